"""新办一件, first page: which item the agent applies for (only those open to agents).

The screens of 新办一件 (this one, :mod:`.form`, :mod:`.materials`, :mod:`.review`) drive the
shared application flow (``kiosk.core.flows.ApplicationFlow``, channel ``agent``, the
applicant chosen by the agent) and show the step it gives back; every step is stored before
the screen moves on, so a draft survives a restart and is taken up again with the flow's
``resume``. Photos and the signature are attached through the agent's desk.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.agent.screens.base import AgentScreen


class AgentItemsScreen(AgentScreen):
    """Which item (only those open to agents)."""

    shown = StringProperty("")  # the search whose answer is on screen

    def refresh(self) -> None:
        self.search(self.ids.query.text)

    def clear(self) -> None:
        self.ids.query.text = ""
        self.ids.rows.clear_widgets()

    def search(self, text: str) -> None:
        """Search the items an agent may apply for (only the latest search is shown)."""
        self._asked = text
        self.app.call_desk(lambda desk: desk.items(text), lambda hits: self._found(text, hits))

    def _found(self, text: str, hits: list[Any]) -> None:
        if text != self._asked:
            return
        self.shown = text
        rows = [
            {"title": h.name, "detail": f"{h.department} · {h.code}", "key": h.code} for h in hits
        ]
        self.fill(self.ids.rows, rows, self.choose)

    def choose(self, code: str) -> None:
        """This item, for the villager chosen: the flow makes the draft; its form next."""
        villager_id = self.app.villager_id

        def start(desk: Any) -> tuple[Any, Any]:
            flow = desk.application()
            flow.choose_item_code(desk, code)
            return flow, flow.choose_applicant(desk, desk.villagers.get(villager_id).as_applicant())

        self.app.call_desk(start, lambda started: self.app.show_step(*started))
