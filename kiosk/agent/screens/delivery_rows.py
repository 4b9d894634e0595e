"""窗口自取 or 邮寄送达 on the agent's form page: the flow's delivery pages as rows."""

from __future__ import annotations

from typing import Any

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout

from kiosk.agent.widgets import AChoice, AInput, ALabel
from kiosk.core.flows import FieldStep
from kiosk.core.flows.delivery import ADDRESS, DETAIL, METHOD, PHONE, PLACE, is_delivery
from kiosk.core.regions import LEVELS, Region


class DeliveryRows:
    """窗口自取 or 邮寄送达 below the form: the delivery pages of the flow on one page (the
    method, where to, the place as three drop-downs 省 → 市 → 县, the typed detail, the
    phone); 下一步 answers the pages one by one as the flow gives them, as the kiosk does.
    The rows of the post grey out while 窗口自取 is chosen, the place's while the address
    is not picked."""

    def __init__(self, app: Any, flow: Any, box: Any) -> None:
        self.app, questions = app, flow.delivery
        self.regions = flow.regions  # the drop-downs' lists (the flow's table)
        phone_hint = flow.values.get("phone") or flow.applicant.phone or ""
        self.pick_option = questions.options(ADDRESS)[-2]  # 选省、市、县，再填详细地址
        self.inputs: dict[str, Any] = {}
        self.rows: list[tuple[str, Any]] = []
        self.shown: dict[int, dict[str, Region]] = {}  # each drop-down's places by name
        self._showing = False
        for name in (METHOD, ADDRESS):
            options = list(questions.options(name))
            self._row(box, name, AChoice(text=questions.value(name), values=options))
        self.levels = [AChoice(text="") for _level in LEVELS]
        place = BoxLayout(size_hint_y=None, height=self.levels[0].height, spacing=dp(8))
        for level in self.levels:
            place.add_widget(level)
        self._row(box, PLACE, place)
        self.inputs[PLACE] = self.levels[-1]  # a refused place marks the county
        self._row(box, DETAIL, AInput(text=questions.value(DETAIL)))
        phone = AInput(text=questions.value(PHONE, phone_hint), input_filter="int")
        self._row(box, PHONE, phone)
        self._show_path(flow.place_paths.get(PLACE, ()))
        for index, level in enumerate(self.levels):
            level.bind(text=lambda _w, _t, i=index: self._level_chosen(i))
        for name in (METHOD, ADDRESS):
            self.inputs[name].bind(text=lambda *_a: self._grey_out())
        self._grey_out()

    def _row(self, box: Any, name: str, widget: Any) -> None:
        label = self.app.t(f"{name}.label")
        if name == ADDRESS:
            box.add_widget(ALabel(text=self.app.t("agent.delivery.post_only"), role="muted"))
        box.add_widget(ALabel(text=label + (" *" if name in (METHOD, PHONE) else "")))
        box.add_widget(widget)
        self.inputs[name] = widget
        self.rows.append((name, widget))

    def _choices(self, index: int, path: tuple[Region, ...]) -> list[Region]:
        if index == 0:
            return list(self.regions.provinces())
        return list(self.regions.children(path[index - 1])) if len(path) >= index else []

    def _show_path(self, path: tuple[Region, ...]) -> None:
        """The drop-downs showing ``path`` (the places picked so far) and what is below."""
        self._showing = True
        for index, level in enumerate(self.levels):
            choices = self._choices(index, path)
            self.shown[index] = {r.name: r for r in choices}
            level.values = [r.name for r in choices]
            picked = path[index].name if index < len(path) else ""
            level.text = picked or self.app.t(f"agent.delivery.{LEVELS[index]}")
        self._showing = False

    def path(self) -> tuple[Region, ...]:
        """The places picked on the drop-downs, from the province down."""
        chosen = []
        for index, level in enumerate(self.levels):
            region = self.shown[index].get(level.text)
            if region is None:
                break
            chosen.append(region)
        return tuple(chosen)

    def _level_chosen(self, index: int) -> None:
        if not self._showing and self.levels[index].text in self.shown[index]:
            self._show_path(self.path()[: index + 1])

    def _grey_out(self) -> None:
        posted = self.inputs[METHOD].text == self.app.t("delivery.method.post")
        picked = posted and self.inputs[ADDRESS].text == self.pick_option
        for name, widget in self.rows:
            widget.disabled = (name != METHOD and not posted) or (
                name in (PLACE, DETAIL) and not picked
            )

    def enter(self, desk: Any, flow: Any, values: dict[str, str]) -> Any:
        """Answer the delivery pages the flow asks, in its order (on the desk's thread): the
        place is tapped down the drop-downs' path; the next step or the first refusal."""
        path = self.path()
        step = flow.enter(desk, METHOD, values[METHOD])
        while isinstance(step, FieldStep) and is_delivery(step.field.name):
            name = step.field.name
            if name == PLACE:
                step = flow.place_again(PLACE)
                for region in path:
                    step = flow.pick_place(PLACE, region)
            step = flow.enter(desk, name, step.value if name == PLACE else values[name])
        return step
