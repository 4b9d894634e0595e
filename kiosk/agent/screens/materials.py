"""新办一件: the materials checklist, each material photographed or chosen from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.agent.screens.base import AgentScreen
from kiosk.agent.widgets import ABtn, ALabel


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
