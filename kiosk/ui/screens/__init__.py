"""The kiosk's screens, one module and one .kv file each."""

from kiosk.ui.screens.home import HomeScreen

SCREENS = [HomeScreen]
