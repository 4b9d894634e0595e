"""我要办 done: where the application stands in true words (已保存，等待上报 until the
platform has it), the short reference to keep, and what happens next; 重新打印 when no
paper came out (the reference stays on the screen meanwhile). No QR code to photograph."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.cases.stage import on_platform
from kiosk.ui.screens.base import KioskScreen


class ReceiptScreen(KioskScreen):
    """The receipt of the application just submitted (a :class:`ReceiptStep`)."""

    kv_name = "receipt"
    reference = StringProperty("")
    item_name = StringProperty("")
    stage_text = StringProperty("")
    on_platform = BooleanProperty(False)
    next_text = StringProperty("")
    printed = BooleanProperty(True)
    print_message = StringProperty("")

    def render(self, step) -> None:
        """Fill the screen from the receipts and their print results."""
        super().render(step)
        t, messages = self.app.t, self.app.messages
        receipt, result = step.receipt, step.printed
        self.reference = "\n".join(r.reference for r in step.receipts)
        self.item_name = "、".join(r.item_name for r in step.receipts)
        self.stage_text = t(f"case.stage.{receipt.stage}")
        self.on_platform = on_platform(receipt.stage)
        self.next_text = "\n".join(line.text(messages) for line in receipt.next_steps)
        self.printed = all(p.printed for p in step.prints)
        self.print_message = (
            t("receipt.take")
            if self.printed
            else t("receipt.not_printed")
            + t(result.key, **result.params)
            + t("receipt.no_paper_ok")
        )
        if self.app.manager.current == self.name:
            self.on_enter()

    def on_enter(self, *_args: object) -> None:
        t = self.app.t
        said = t("voice.receipt", stage=self.stage_text, reference=self.reference)
        self.app.say(f"{said}{self.print_message}{self.next_text}")

    def reprint(self) -> None:
        """重新打印: the same receipts again (never a second submission)."""
        self.forward_once(self.session.application.reprint, done=self.render)

    def wipe(self) -> None:
        super().wipe()
        self.reference = self.item_name = self.stage_text = self.next_text = ""
        self.print_message = ""
