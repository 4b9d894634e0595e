"""新办一件, step by step on the agent's desk: the item, the form, the materials (camera or
file), the villager's authorisation (signature or ID card), the review and 提交.

The screens drive the shared application flow (``kiosk.core.flows.ApplicationFlow``, channel
``agent``, the applicant chosen by the agent) and show the step it gives back; every step is
stored before the screen moves on, so a draft survives a restart and is taken up again with
the flow's ``resume``. Photos and the signature are attached through the agent's desk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.metrics import dp
from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.agent.screens.base import AgentScreen
from kiosk.agent.widgets import ABtn, AChoice, AInput, ALabel
from kiosk.core.errors import explain
from kiosk.core.flows import FieldErrors, FieldStep
from kiosk.core.flows.delivery import ADDRESS, DETAIL, METHOD, PHONE, PLACE, is_delivery
from kiosk.core.regions import LEVELS, Region


def _problem(screen: AgentScreen, exc: BaseException) -> str:
    key, params = explain(exc, screen.app.messages)
    return screen.app.t(key, **params)


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
            enter, self._entered, lambda exc: setattr(self, "message", _problem(self, exc))
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


class FormErrorsView:
    """Field errors in the shape :func:`explain` reads (``errors``)."""

    def __init__(self, step: FieldErrors) -> None:
        self.errors = step.errors


class AgentMaterialsScreen(AgentScreen):
    """The materials checklist: each one photographed or chosen from a file."""

    item_name = StringProperty("")
    message = StringProperty("")
    materials = ListProperty()

    def clear(self) -> None:
        self.ids.materials.clear_widgets()
        self.item_name = self.message = ""
        self.materials = []

    def refresh(self) -> None:
        self.clear()  # nothing of the last visit shows while the case is read
        case_id = self.app.case_id
        self.app.call_desk(lambda desk: desk.cases.case(case_id), self._shown)

    def _shown(self, case: Any) -> None:
        self.item_name, self.message = case.summary.item_name, ""
        self.materials = [(m.code, m.name, m.required, m.attachments) for m in case.materials]
        box = self.ids.materials
        box.clear_widgets()
        t = self.app.t
        for code, name, required, count in self.materials:
            row = BoxLayout(size_hint_y=None, height=self._row_height(), spacing=10)
            done = t("agent.ui.photos", count=count) if count else t("agent.ui.no_photo")
            row.add_widget(
                ALabel(text=f"{name}{' *' if required else ''}\n{done}", role="on_background")
            )
            shoot = ABtn(
                text=t("agent.ui.take_photo"),
                role="primary",
                size_hint_x=None,
                width=self._button_width(),
            )
            shoot.bind(on_release=lambda _b, c=code: self.photograph(c))
            pick = ABtn(
                text=t("agent.ui.choose_file"), size_hint_x=None, width=self._button_width()
            )
            pick.bind(on_release=lambda _b, c=code: self.choose_file(c))
            row.add_widget(shoot)
            row.add_widget(pick)
            box.add_widget(row)

    def _row_height(self) -> float:
        from kivy.metrics import dp

        return dp(84)

    def _button_width(self) -> float:
        from kivy.metrics import dp

        return dp(120)

    def photograph(self, code: str) -> None:
        """拍照 for one material."""
        self.app.material_code = code
        self.app.go("camera")

    def choose_file(self, code: str) -> None:
        """选文件 for one material (always possible, camera or not)."""
        from kiosk.agent.files import AgentFilePicker

        picker = AgentFilePicker(start=str(Path.home()))
        picker.bind(on_chosen=lambda _p, path: self.attach_file(code, Path(path)))
        picker.open(animation=False)

    def attach_file(self, code: str, path: Path) -> None:
        """The chosen file, downscaled if a picture, attached to the material."""
        case_id = self.app.case_id
        self.app.call_desk(
            lambda desk: desk.attach_photo(case_id, code, path.read_bytes()),
            lambda _a: self.refresh(),
        )

    def next(self) -> None:
        """下一步: the materials photographed count as seen; the flow gives the authorisation
        (once: a correction keeps the first) or the review."""
        missing = [
            name for _code, name, required, count in self.materials if required and not count
        ]
        if missing:
            self.message = self.app.t("agent.ui.materials_missing", names="、".join(missing))
            return
        flow = self.app.flow
        ticked = [code for code, _name, _required, count in self.materials if count]
        self.app.call_desk(
            lambda desk: flow.materials_done(desk, ticked),
            lambda step: self.app.show_step(flow, step),
        )


class AgentCameraScreen(AgentScreen):
    """The viewfinder and 拍照."""

    message = StringProperty("")

    def refresh(self) -> None:
        self.message = ""
        camera = self.app.camera()
        if camera is None:
            self.message = self.app.t("camera.unavailable")
            return
        self.ids.finder.camera = camera
        self.ids.finder.run()

    def on_leave(self, *_args: Any) -> None:
        self.ids.finder.halt()

    def clear(self) -> None:
        self.ids.finder.halt()
        self.ids.finder.texture = None

    def shoot(self) -> None:
        """拍照: the still, downscaled and sealed, attached; back to the checklist."""
        camera = self.ids.finder.camera
        if camera is None:
            self.app.show_message("camera.unavailable")
            return
        try:
            still = camera.capture()
        except Exception as exc:
            self.app.show_problem(exc)
            return
        case_id, code = self.app.case_id, self.app.material_code
        self.app.call_desk(
            lambda desk: desk.attach_photo(case_id, code, still.data, still.captured_at),
            lambda _a: self.app.back(),
        )


class AgentAuthorizeScreen(AgentScreen):
    """委托: the villager signs on the pad, or their own ID card is read."""

    message = StringProperty("")

    def clear(self) -> None:
        self.ids.pad.clear()
        self.message = ""

    def refresh(self) -> None:
        self.clear()

    def sign(self) -> None:
        """确认签字: the signature becomes the consent attachment; the flow records it."""
        strokes = [list(s) for s in self.ids.pad.strokes]
        flow, case_id = self.app.flow, self.app.case_id

        def signed(desk: Any) -> Any:
            consent = desk.signature(case_id, strokes)
            return flow.authorize(desk, "signature", consent.attachment_id)

        self._authorize(signed)

    def on_card(self, card: Any) -> None:
        """本人在场: the applicant's own card was read."""
        flow, case_id = self.app.flow, self.app.case_id

        def present(desk: Any) -> Any:
            desk.check_card(case_id, card)
            return flow.authorize(desk, "id_card_present")

        self._authorize(present)

    def _authorize(self, work: Any) -> None:
        self.app.call_desk(
            work,
            lambda step: self.app.show_step(self.app.flow, step),
            lambda exc: setattr(self, "message", _problem(self, exc)),
        )

    def on_card_failed(self, key: str) -> None:
        self.message = self.app.t(key)


class AgentReviewScreen(AgentScreen):
    """核对 and 提交."""

    summary = StringProperty("")
    message = StringProperty("")

    def clear(self) -> None:
        self.summary = self.message = ""

    def refresh(self) -> None:
        self.clear()
        step, case_id = self.app.step, self.app.case_id
        self.app.call_desk(lambda desk: desk.cases.case(case_id), lambda c: self._shown(step, c))

    def _shown(self, step: Any, case: Any) -> None:
        from devices.idcard.idnumber import mask_id_number

        t = self.app.t
        lines = [
            f"[b]{step.item_name}[/b]",
            t(
                "agent.ui.review.applicant",
                name=step.applicant_name,
                id=mask_id_number(step.id_number),
            ),
        ]
        lines += [f"{line.label}：{line.value}" for line in step.lines]
        lines += [t("agent.ui.photos_of", name=m.name, count=m.attachments) for m in case.materials]
        method = ((case.agent or {}).get("authorization") or {}).get("method", "")
        lines.append(t(f"agent.ui.review.authorization.{method or 'none'}"))
        if case.summary.revision:
            lines.append(t("agent.ui.review.revision", revision=case.summary.revision + 1))
        self.summary = "\n".join(lines)
        self.message = ""

    def submit(self) -> None:
        """提交: the flow finalises and locks the case; it waits for the link."""
        flow = self.app.flow
        self.app.call_desk(
            lambda desk: flow.submit(desk),
            lambda step: self.app.show_step(flow, step),
            lambda exc: setattr(self, "message", _problem(self, exc)),
        )
