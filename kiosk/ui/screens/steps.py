"""Which screen shows which step of a flow: the kiosk's one map from steps to screens.

Screens never call each other: a screen forwards a tap to its flow, and the step the flow
returns is shown here, on the screen that renders that kind of step.
"""

from __future__ import annotations

from typing import Any

from kiosk.core import flows

SCREEN_OF_STEP: dict[type, str] = {
    flows.CardStep: "apply",
    flows.IdEntryStep: "id_entry",
    flows.ConfirmStep: "confirm",
    flows.FieldStep: "form",
    flows.MaterialsStep: "materials",
    flows.ReviewStep: "review",
    flows.ReceiptStep: "receipt",
    flows.PriorityStep: "priority",
    flows.TicketStep: "ticket",
    flows.CasesStep: "progress",
    flows.RatingStep: "rating",
    flows.UnsolvedStep: "unsolved",
    flows.ThemesStep: "guide",
    flows.SearchStep: "search",
    flows.ItemsStep: "items",
    flows.ItemStep: "item",
}


def show_step(app: Any, step: flows.Step) -> None:
    """Render ``step`` on its screen and show that screen (going back to it when the step
    returns to where the person came from); a finished flow goes home with its message."""
    if isinstance(step, flows.Finished):
        app.go_home()
        app.show_message(step.message_key, role=step.role)
        return
    name = SCREEN_OF_STEP[type(step)]
    app.screen(name).render(step)
    if step.backwards:
        app.back()
    else:
        app.go(name)
