"""Looking after the appliance: set-up steps, doctor, diagnostics, backups, the watchdog.

Everything here is for technicians and for the appliance itself; no villager meets it.
``setup`` holds the set-up steps the kiosk's technician screens render; ``site_file``
writes the site file atomically; ``doctor`` checks the box; ``diagnostics`` bundles
what a county technician sends; ``backup`` and ``keys`` keep the store and its key safe;
``watchdog`` speaks systemd's notify protocol.
"""
