"""新办一件: the item's form on one page, how the result comes below it, and 下一步."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.agent.screens.base import AgentScreen
from kiosk.agent.screens.delivery_rows import DeliveryRows
from kiosk.agent.widgets import AChoice, AInput, ALabel
from kiosk.core.errors import explain
from kiosk.core.flows import FieldErrors


class AgentFormScreen(AgentScreen):
    """The item's form, all fields on one page (the flow checks them one by one); where the
    result may be posted, how it comes below it (:class:`DeliveryRows`)."""

    item_name = StringProperty("")
    message = StringProperty("")

    def clear(self) -> None:
        self.ids.fields.clear_widgets()
        self.item_name = self.message = ""
        self._inputs: dict[str, Any] = {}
        self._delivery: DeliveryRows | None = None

    def refresh(self) -> None:
        flow = self.app.flow
        if flow is None:
            return
        self.item_name, self.message = flow.item.name, ""
        applicant = flow.applicant
        defaults = {"phone": applicant.phone or "", "address": applicant.address or ""}
        box = self.ids.fields
        box.clear_widgets()
        self._inputs = {}
        for f in flow.fields:
            value = flow.values.get(f.name) or defaults.get(f.type, "")
            box.add_widget(ALabel(text=f.label + (" *" if f.required else "")))
            if f.type == "choice":
                widget = AChoice(text=str(value or ""), values=list(f.options))
            else:
                widget = AInput(text=str(value or ""))
                if f.type in ("phone", "number"):
                    widget.input_filter = "float" if f.type == "number" else "int"
                if f.type == "date" and not value:
                    widget.hint_text = "2026-01-31"
            self._inputs[f.name] = widget
            box.add_widget(widget)
        self._delivery = DeliveryRows(self.app, flow, box) if flow.delivery_offered else None
        if self._delivery is not None:
            self._inputs.update(self._delivery.inputs)

    def next(self) -> None:
        """下一步: each value goes to the flow in form order, then the delivery pages the
        flow asks; the first refused one is shown."""
        flow, values = self.app.flow, {n: w.text.strip() for n, w in self._inputs.items()}
        for widget in self._inputs.values():
            widget.error = False
        delivery = self._delivery

        def enter(desk: Any) -> Any:
            step = None
            for f in flow.fields:
                step = flow.enter(desk, f.name, values[f.name])
                if isinstance(step, FieldErrors):
                    return step
            return delivery.enter(desk, flow, values) if delivery is not None else step

        self.app.call_desk(
            enter, self._entered, lambda exc: setattr(self, "message", self.explained(exc))
        )

    def _entered(self, step: Any) -> None:
        if isinstance(step, FieldErrors):
            widget = self._inputs.get(step.first.field)
            if widget is not None:
                widget.error = True
            key, params = explain(FormErrorsView(step), self.app.messages)
            self.message = self.app.t(key, **params)
            return
        self.app.show_step(self.app.flow, step)


class FormErrorsView:
    """Field errors in the shape :func:`explain` reads (``errors``)."""

    def __init__(self, step: FieldErrors) -> None:
        self.errors = step.errors
