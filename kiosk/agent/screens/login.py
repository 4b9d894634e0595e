"""登录: the agent's id (a tap on a name this tablet knows, or typed) and the PIN on a pad."""

from __future__ import annotations

from typing import Any

from kivy.properties import ListProperty, StringProperty

from kiosk.agent.screens.base import AgentScreen
from kiosk.agent.widgets import ABtn
from kiosk.core.agents import AgentLocked, KeyErased, PinChanged, WrongPin
from kiosk.core.errors import explain

PIN_LENGTH = 6
PIN_MAX = 12
PAD = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]


class AgentLoginScreen(AgentScreen):
    """The login, shown at start and after every lock."""

    agent_id = StringProperty("")
    pin = StringProperty("")
    new_pin = StringProperty("")  # kept while the old PIN is asked for (a PIN reset)
    mode = StringProperty("pin")  # pin | old_pin
    message = StringProperty("")
    warning = StringProperty("")
    agents = ListProperty()

    def refresh(self) -> None:
        self.clear()
        self.app.call(lambda services: services.login.enrolled(), self._show_agents)

    def clear(self) -> None:
        self.pin = self.new_pin = self.message = self.warning = ""
        self.mode = "pin"

    def _show_agents(self, accounts: list[Any]) -> None:
        self.agents = [(a.agent_id, a.name) for a in accounts]
        box = self.ids.agents
        box.clear_widgets()
        for agent_id, name in self.agents:
            button = ABtn(text=f"{name}\n{agent_id}", role="secondary")
            button.bind(on_release=lambda b, a=agent_id: self.choose(a))
            box.add_widget(button)
        if len(self.agents) == 1 and not self.agent_id:
            self.choose(self.agents[0][0])

    def choose(self, agent_id: str) -> None:
        """This agent logs in: their lock or warning shows before the PIN."""
        self.agent_id = agent_id
        self.pin = self.message = self.warning = ""
        self.app.call(lambda services: services.login.state(agent_id), self._show_state)

    def _show_state(self, state: Any) -> None:
        if state.erased:
            self.message = self.app.t("agent.login.erased")
        elif state.locked_minutes:
            self.message = self.app.t("agent.login.locked", minutes=state.locked_minutes)
        if state.erase_in:
            self.warning = self.app.t("agent.login.erase_warning", erase_in=state.erase_in)

    def key(self, value: str) -> None:
        """A key of the PIN pad."""
        if value == "clear":
            self.pin = ""
        elif value == "back":
            self.pin = self.pin[:-1]
        elif len(self.pin) < PIN_MAX:
            self.pin += value
            if len(self.pin) == PIN_LENGTH:
                self.submit()

    def submit(self) -> None:
        """登录 (or, after a PIN reset, open the old key with the old PIN)."""
        agent_id, pin = self.ids.agent_input.text.strip() or self.agent_id, self.pin
        if not agent_id or not pin:
            self.message = self.app.t("agent.ui.login_needs_both")
            return
        self.agent_id = agent_id
        if self.mode == "old_pin":
            options = {"old_pin": pin}
            pin = self.new_pin
        else:
            options = {}
        self.pin = ""

        def log_in(services: Any) -> tuple[Any, Any]:
            session = services.login.log_in(agent_id, pin, **options)
            return session, services.desk(session)

        self.app.call(log_in, self._in, lambda exc: self._refused(exc, pin))

    def start_over(self) -> None:
        """重新开始 after a PIN reset: a fresh key; the old work stays sealed."""
        agent_id, pin = self.agent_id, self.new_pin

        def log_in(services: Any) -> tuple[Any, Any]:
            session = services.login.log_in(agent_id, pin, start_over=True)
            return session, services.desk(session)

        self.app.call(log_in, self._in, lambda exc: self._refused(exc, pin))

    def _in(self, result: tuple[Any, Any]) -> None:
        self.clear()
        self.app.logged_in(*result)

    def _refused(self, exc: BaseException, pin: str) -> None:
        key, params = explain(exc, self.app.messages)
        self.warning = ""
        if isinstance(exc, PinChanged):
            self.mode, self.new_pin = "old_pin", pin
            key = "agent.login.old_pin_wrong" if exc.params.get("old_wrong") else key
        elif isinstance(exc, WrongPin | AgentLocked) and exc.params.get("erase_in"):
            self.warning = self.app.t("agent.login.erase_warning", erase_in=exc.params["erase_in"])
        elif isinstance(exc, KeyErased):
            self.mode = "pin"
        self.message = self.app.t(key, **params)
