// The Codecs module. See README.md for its responsibilities.
