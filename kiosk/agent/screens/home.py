"""工作台: the agent's reminders and three lists (草稿, 待发送, 已发送), and where to start."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.agent.overlays import AgentQuestion
from kiosk.agent.screens.base import AgentScreen
from kiosk.agent.screens.words import case_row, reminder_row

TABS = ("reminders", "drafts", "unsent", "sent")


class AgentHomeScreen(AgentScreen):
    """The work lists."""

    tab = StringProperty("reminders")
    counts_text = StringProperty("")

    def refresh(self) -> None:
        self.show(self.tab)

    def clear(self) -> None:
        self.ids.rows.clear_widgets()
        self.tab = "reminders"

    def show(self, tab: str) -> None:
        """Show one tab's list."""
        self.tab = tab
        for button in self.ids.tabs.children:
            button.state = "down" if button.key == tab else "normal"

        def read(desk: Any) -> tuple[list[Any], dict[Any, int]]:
            items = desk.reminders() if tab == "reminders" else getattr(desk.lists, tab)()
            return items, desk.lists.counts()

        self.app.call_desk(read, self._shown)

    def _shown(self, result: tuple[list[Any], dict[Any, int]]) -> None:
        items, counts = result
        t = self.app.t
        self.counts_text = t(
            "agent.ui.counts",
            drafts=counts["drafts"],
            unsent=counts["unsent"],
            sent=counts["sent"],
        )
        self.app.unsent = counts["unsent"]
        make = reminder_row if self.tab == "reminders" else case_row
        rows = [make(t, item) for item in items]
        self.fill(self.ids.rows, rows, self.open_case)
        self.ids.empty.text = "" if rows else t(f"agent.ui.empty.{self.tab}")

    def open_case(self, case_id: str) -> None:
        """A case of a list: its page."""
        self.app.case_id = case_id
        self.app.go("case")

    def offer_unfinished(self) -> None:
        """After login: a draft left half-done is offered back, never resumed unasked."""

        def newest(desk: Any) -> Any:
            drafts = [d for d in desk.lists.drafts() if not d.is_correction]
            return max(drafts, key=lambda d: d.updated_at) if drafts else None

        def offer(draft: Any) -> None:
            if draft is None:
                return
            question = AgentQuestion(
                text=self.app.t(
                    "agent.ui.unfinished", item=draft.item_name, name=draft.applicant_name
                ),
                yes_text=self.app.t("agent.ui.continue"),
                no_text=self.app.t("agent.ui.later"),
            )
            question.bind(on_yes=lambda _q: self.open_case(draft.case_id))
            question.open(animation=False)

        self.app.call_desk(newest, offer)
