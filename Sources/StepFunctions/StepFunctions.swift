// The StepFunctions module. See README.md for its responsibilities.
