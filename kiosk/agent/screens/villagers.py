"""村民: the agent's villagers, searched by name, pinyin initials or digits; a person added by
reading their ID card or keying the number and name; a person's page with their cases."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.agent.screens.base import AgentScreen
from kiosk.agent.screens.words import case_row, villager_row
from kiosk.core.forms import FormInvalid


class AgentVillagersScreen(AgentScreen):
    """The list, the search box and the ways to add a person."""

    choosing = BooleanProperty(False)  # choosing the applicant of a new application
    shown = StringProperty("")  # the search whose answer is on screen
    card_hint = StringProperty("")

    def refresh(self) -> None:
        self.card_hint = ""
        self.search(self.ids.query.text)

    def clear(self) -> None:
        self.card_hint = ""
        self.ids.query.text = ""
        self.ids.rows.clear_widgets()
        self.choosing = False

    def search(self, text: str) -> None:
        """Search as the agent types (only the latest search is shown)."""
        self._asked = text
        self.app.call_desk(
            lambda desk: desk.villagers.search(text), lambda found: self._found(text, found)
        )

    def _found(self, text: str, villagers: list[Any]) -> None:
        if text != self._asked:
            return
        self.shown = text
        self.fill(self.ids.rows, [villager_row(v) for v in villagers], self.open)
        empty = not villagers
        self.ids.empty.text = self.app.t("agent.ui.empty.villagers") if empty else ""

    def open(self, villager_id: str) -> None:
        """A person of the list: applying for them, or their page."""
        self.app.villager_id = villager_id
        if self.choosing:
            self.choosing = False
            self.app.go("items")
        else:
            self.app.go("villager")

    def on_card(self, card: Any) -> None:
        """读身份证: the person is added (or refreshed) and opened."""
        self.app.call_desk(
            lambda desk: desk.villagers.add_from_card(card), lambda v: self.open(v.villager_id)
        )

    def on_card_failed(self, key: str) -> None:
        """The card could not be read: said under the list, no window to close."""
        self.card_hint = self.app.t(key)


class AgentVillagerAddScreen(AgentScreen):
    """手工录入: the ID number (check digit verified), the name, a phone."""

    message = StringProperty("")

    def clear(self) -> None:
        for name in ("id_number", "name", "phone"):
            self.ids[name].text = ""
            self.ids[name].error = False
        self.message = ""

    def refresh(self) -> None:
        self.clear()

    def save(self) -> None:
        """保存: the person is added, or each wrong field says why."""
        values = {name: self.ids[name].text.strip() for name in ("id_number", "name", "phone")}
        for name in values:
            self.ids[name].error = False

        def add(desk: Any) -> Any:
            return desk.villagers.add_keyed(
                values["id_number"], values["name"], phone=values["phone"] or None
            )

        self.app.call_desk(add, self._added, self._refused)

    def _added(self, villager: Any) -> None:
        self.app.villager_id = villager.villager_id
        chooser = self.app.screen("villagers")
        if chooser.choosing:
            chooser.choosing = False
            self.app.go("items", remember=False)
        else:
            self.app.go("villager", remember=False)

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, FormInvalid):
            for error in exc.errors:
                if error.field in self.ids:
                    self.ids[error.field].error = True
        self.message = self.explained(exc)


class AgentVillagerScreen(AgentScreen):
    """One person: who they are and their cases with this agent."""

    name_text = StringProperty("")
    detail_text = StringProperty("")

    def clear(self) -> None:
        self.name_text = self.detail_text = ""
        self.ids.rows.clear_widgets()

    def refresh(self) -> None:
        self.clear()
        villager_id = self.app.villager_id

        def read(desk: Any) -> tuple[Any, list[Any]]:
            person = desk.villagers.get(villager_id)
            return person, desk.lists.of_person(person.id_number)

        self.app.call_desk(read, self._shown)

    def _shown(self, result: tuple[Any, list[Any]]) -> None:
        person, cases = result
        row = villager_row(person)
        self.name_text, self.detail_text = row["title"], row["detail"]
        if person.address:
            self.detail_text += f"\n{person.address}"
        t = self.app.t
        self.fill(self.ids.rows, [case_row(t, line) for line in cases], self._open_case)
        self.ids.empty.text = "" if cases else t("agent.ui.empty.person_cases")

    def _open_case(self, case_id: str) -> None:
        self.app.case_id = case_id
        self.app.go("case")
