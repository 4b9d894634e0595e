"""The technicians' screens behind the PIN: the menu, the set-up steps, the doctor.

They render what :mod:`kiosk.core.upkeep` gives (set-up steps, doctor checks) and
nothing else; a saved set-up is taken in by the running kiosk (:mod:`kiosk.ui.site_reload`).
Each screen has its module and .kv file here; ``technician.kv`` holds their widgets.
"""

from kiosk.ui.technician.base import HERE
from kiosk.ui.technician.doctor import DoctorScreen
from kiosk.ui.technician.menu import TechMenuScreen
from kiosk.ui.technician.navigation import MENU, open_menu
from kiosk.ui.technician.setup import SetupScreen

TECHNICIAN_SCREENS = [TechMenuScreen, SetupScreen, DoctorScreen]
KV_FILES = [HERE / "technician.kv"] + [screen.kv_path() for screen in TECHNICIAN_SCREENS]

__all__ = ["KV_FILES", "MENU", "TECHNICIAN_SCREENS", "open_menu"]
