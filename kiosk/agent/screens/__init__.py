"""The tablet's screens, each a thin class with its kv file beside it."""

from kiosk.agent.screens.case import AgentCaseScreen
from kiosk.agent.screens.form import AgentFormScreen
from kiosk.agent.screens.home import AgentHomeScreen
from kiosk.agent.screens.items import AgentItemsScreen
from kiosk.agent.screens.login import AgentLoginScreen
from kiosk.agent.screens.materials import AgentCameraScreen, AgentMaterialsScreen
from kiosk.agent.screens.review import AgentAuthorizeScreen, AgentReviewScreen
from kiosk.agent.screens.villagers import (
    AgentVillagerAddScreen,
    AgentVillagerScreen,
    AgentVillagersScreen,
)

# Every screen by name (the name the app navigates by).
SCREENS = {
    "login": AgentLoginScreen,
    "home": AgentHomeScreen,
    "villagers": AgentVillagersScreen,
    "villager_add": AgentVillagerAddScreen,
    "villager": AgentVillagerScreen,
    "items": AgentItemsScreen,
    "form": AgentFormScreen,
    "materials": AgentMaterialsScreen,
    "camera": AgentCameraScreen,
    "authorize": AgentAuthorizeScreen,
    "review": AgentReviewScreen,
    "case": AgentCaseScreen,
}
