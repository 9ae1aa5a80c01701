// The Engine module. See README.md for its responsibilities.
