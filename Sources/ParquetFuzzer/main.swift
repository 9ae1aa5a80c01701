// Replaced by the libFuzzer entry point.
