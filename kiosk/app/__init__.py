"""The composition root: builds every service and device of the program from the configuration.

Every front-end and command starts here. :func:`build_app` gives the services of one
process (store, queue, cases, printing, sync ...); :func:`open_devices` the card reader
and scanner the site file names (real, simulated with ``port = "sim"``, or absent);
:func:`assemble_front_end` puts both together with the voice and the message catalogue
for a touch-screen front-end; :func:`assemble_agent` does the same for an agent's tablet.
Nothing else builds a service or opens a device.

- :mod:`kiosk.app.site`: the site's store and key, opened together and checked.
- :mod:`kiosk.app.services`: the services of one process and its daily chores.
- :mod:`kiosk.app.devices`: the card reader and the scanner.
- :mod:`kiosk.app.front_end`: a kiosk front-end's parts, and a new configuration taken in.
- :mod:`kiosk.app.agent`: the agent's tablet.
"""

from kiosk.app.agent import (
    AgentFrontEnd,
    AgentServices,
    assemble_agent,
    build_agent,
    sample_photos,
)
from kiosk.app.devices import Devices, open_devices, open_reader, open_scanner, sample_cards
from kiosk.app.front_end import FRONT_END_TABLES, FrontEnd, Reload, assemble_front_end
from kiosk.app.services import Services, build_app, privacy_chore, start_kiosk, sync_service
from kiosk.app.site import STORE_FILE, check_site, open_site, open_store

__all__ = [
    "FRONT_END_TABLES",
    "STORE_FILE",
    "AgentFrontEnd",
    "AgentServices",
    "Devices",
    "FrontEnd",
    "Reload",
    "Services",
    "assemble_agent",
    "assemble_front_end",
    "build_agent",
    "build_app",
    "check_site",
    "open_devices",
    "open_reader",
    "open_scanner",
    "open_site",
    "open_store",
    "privacy_chore",
    "sample_cards",
    "sample_photos",
    "start_kiosk",
    "sync_service",
]
