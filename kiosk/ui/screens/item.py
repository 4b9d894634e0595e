"""An item's guide page: conditions, materials, time limits, fee, 通办; a QR; print the list."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


class ItemScreen(KioskScreen):
    """What to bring and what to expect, for one item."""

    kv_name = "item"
    item = ObjectProperty(None, allownone=True)
    body = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    printing = BooleanProperty(False)

    def render(self, step) -> None:
        """The guide page of ``step.item`` (an :class:`ItemStep`)."""
        super().render(step)
        item = step.item
        self.item = item
        self.body = self._body(item)
        self.qr = qr_texture(self._guide_text(item), box_px=6)
        self.ids.scroll.scroll_y = 1

    def _material_line(self, m) -> str:
        t = self.app.t
        parts = []
        if m.originals:
            parts.append(f"{t('guide.item.original')} {t('guide.item.copies', count=m.originals)}")
        if m.copies:
            parts.append(f"{t('guide.item.copy')} {t('guide.item.copies', count=m.copies)}")
        optional = f"（{t('guide.item.optional')}）" if not m.required else ""
        return f"{m.name}{optional}：{'，'.join(parts)}"

    def _time_limit(self, item) -> str:
        t = self.app.t
        if item.promised_days == 0:
            return t("guide.item.time_limit.instant")
        promised = t("guide.item.time_limit.days", days=item.promised_days)
        legal = t("guide.item.time_limit.legal", days=item.legal_days)
        return f"{promised}（{legal}）"

    def _where(self, item) -> str:
        t = self.app.t
        if not item.reach:
            return t("guide.item.where.none")
        return "、".join(t(f"guide.reach.{code}") for code in item.reach)

    def _body(self, item) -> str:
        t = self.app.t
        big = self.app.fs["title"]

        def section(key: str, lines: list[str]) -> str:
            listed = "\n".join(f"  · {line}" for line in lines)
            return f"[size={big}][b]{t(key)}[/b][/size]\n{listed}"

        return "\n\n".join(
            [
                section("guide.item.conditions", list(item.conditions)),
                section("guide.item.materials", [self._material_line(m) for m in item.materials]),
                section("guide.item.time_limit", [self._time_limit(item)]),
                section("guide.item.fee", [item.fee or t("guide.item.fee.free")]),
                section("guide.item.where", [self._where(item)]),
            ]
        )

    def _guide_text(self, item) -> str:
        t = self.app.t
        lines = [item.name, item.department, "", t("guide.item.materials")]
        lines += [f"{i}. {self._material_line(m)}" for i, m in enumerate(item.materials, 1)]
        lines += ["", f"{t('guide.item.time_limit')}：{self._time_limit(item)}"]
        lines += [f"{t('guide.item.fee')}：{item.fee}", self.app.site_name]
        return "\n".join(lines)

    def print_materials(self) -> None:
        """Print the materials list; when paper fails, point at the QR on screen."""
        if self.item is None or self.printing:
            return
        self.printing = True
        self.forward(
            self.session.guide.print_materials,
            self.item,
            done=self._printed,
            failed=self._print_failed,
        )

    def _printed(self, result) -> None:
        self.printing = False
        if result.printed:
            self.app.show_message("guide.item.printed", role="success")
        else:
            self.app.show_message("guide.item.no_print")

    def _print_failed(self, exc: BaseException) -> None:
        self.printing = False
        self.app.show_problem(exc)

    def apply(self) -> None:
        """我要办这件事: start the application for this item."""
        if self.item is not None:
            self.forward(self.session.application.choose_item, self.item)

    def wipe(self) -> None:
        super().wipe()
        self.item = None
        self.body = ""
        self.qr = None
