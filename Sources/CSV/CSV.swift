// The CSV module. See README.md for its responsibilities.
