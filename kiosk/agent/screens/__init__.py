"""The tablet's screens, each a thin class with its kv file beside it."""

from kiosk.agent.screens.application import (
    AuthorizeScreen,
    CameraScreen,
    CaseScreen,
    FormScreen,
    ItemsScreen,
    MaterialsScreen,
    ReviewScreen,
)
from kiosk.agent.screens.home import HomeScreen
from kiosk.agent.screens.login import LoginScreen
from kiosk.agent.screens.villagers import VillagerAddScreen, VillagerScreen, VillagersScreen

# Every screen by name (the name the app navigates by).
SCREENS = {
    "login": LoginScreen,
    "home": HomeScreen,
    "villagers": VillagersScreen,
    "villager_add": VillagerAddScreen,
    "villager": VillagerScreen,
    "items": ItemsScreen,
    "form": FormScreen,
    "materials": MaterialsScreen,
    "camera": CameraScreen,
    "authorize": AuthorizeScreen,
    "review": ReviewScreen,
    "case": CaseScreen,
}
