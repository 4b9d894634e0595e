"""The kiosk's screens, one module and one .kv file each."""

from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.priority import PriorityScreen
from kiosk.ui.screens.queue import QueueScreen
from kiosk.ui.screens.ticket import TicketScreen

SCREENS = [HomeScreen, QueueScreen, PriorityScreen, TicketScreen]
