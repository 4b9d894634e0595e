"""The tablet's screens, each a thin class with its kv file beside it."""

from kiosk.agent.screens.application import (
    AgentAuthorizeScreen,
    AgentCameraScreen,
    AgentFormScreen,
    AgentItemsScreen,
    AgentMaterialsScreen,
    AgentReviewScreen,
)
from kiosk.agent.screens.case import AgentCaseScreen
from kiosk.agent.screens.home import AgentHomeScreen
from kiosk.agent.screens.login import AgentLoginScreen
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
