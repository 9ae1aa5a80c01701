// The Runner module. See README.md for its responsibilities.
