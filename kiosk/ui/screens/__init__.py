"""The kiosk's screens, one module and one .kv file each."""

from kiosk.ui.screens.apply import ApplyScreen
from kiosk.ui.screens.appointment import AppointmentScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.form import FormScreen
from kiosk.ui.screens.guide import GuideScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.id_entry import IdEntryScreen
from kiosk.ui.screens.item import ItemScreen
from kiosk.ui.screens.items import ItemsScreen
from kiosk.ui.screens.materials import MaterialsScreen
from kiosk.ui.screens.priority import PriorityScreen
from kiosk.ui.screens.progress import ProgressScreen
from kiosk.ui.screens.queue import QueueScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.receipt import ReceiptScreen
from kiosk.ui.screens.review import ReviewScreen
from kiosk.ui.screens.search import SearchScreen
from kiosk.ui.screens.ticket import TicketScreen
from kiosk.ui.screens.unsolved import UnsolvedScreen

SCREENS = [
    HomeScreen,
    QueueScreen,
    PriorityScreen,
    TicketScreen,
    AppointmentScreen,
    GuideScreen,
    SearchScreen,
    ItemsScreen,
    ItemScreen,
    ApplyScreen,
    IdEntryScreen,
    ConfirmScreen,
    FormScreen,
    MaterialsScreen,
    ReviewScreen,
    ReceiptScreen,
    ProgressScreen,
    RatingScreen,
    UnsolvedScreen,
]
