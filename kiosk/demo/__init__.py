"""Demos and test helpers (tour, UI driver, demo site, demo cases, the reference platform with a device, the fault proxy, synthetic data); production code never imports them."""
