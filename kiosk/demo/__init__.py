"""Demo and testing helpers (tours, browser driving); never imported by production code."""
