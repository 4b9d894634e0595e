"""Views over any screen: the idle countdown, a message for the villager, the technician's PIN."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ui.widgets import apply_key


class IdleCountdown(ModalView):
    """ "您还要接着办吗？" with the seconds left; any tap on it keeps the session."""

    seconds = NumericProperty(0)


class MessageView(ModalView):
    """A plain sentence for the villager (an error or a notice) with one OK button."""

    text = StringProperty("")
    role = StringProperty("danger")


class TechnicianPin(ModalView):
    """The PIN pad in front of the technician menu (set-up, 体检, leaving a locked kiosk)."""

    pin = StringProperty("")
    problem = StringProperty("")

    def on_key(self, key: str) -> None:
        """A key of the pad; the PIN is checked when it is as long as the configured one."""
        app = App.get_running_app()
        self.problem = ""
        self.pin = apply_key(self.pin, key, 12)
        expected = app.site.ui.technician_pin
        if expected and len(self.pin) >= len(expected):
            if self.pin == expected:
                self.dismiss()
                app.technician_menu()
            else:
                self.pin = ""
                self.problem = app.t("tech.wrong")
                app.call(lambda s: s.audit.record("technician", "kiosk.technician_pin_refused"))


class CardPrompt(ModalView):
    """ "请把身份证放在感应区" over a screen that needs the card for one step; 取消 gives up."""

    text = StringProperty("")
    state_text = StringProperty("")
    __events__ = ("on_cancel",)

    def on_cancel(self) -> None:
        """Default handler: nothing."""
