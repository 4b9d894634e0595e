"""Demos and test helpers (tour, UI driver, demo sites, synthetic data); production code never imports them."""
