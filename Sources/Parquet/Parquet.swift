// The Parquet module. See README.md for its responsibilities.
