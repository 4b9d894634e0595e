"""Demo and test helpers: never imported by production code."""
