"""An item's guide page: conditions, materials, time limits, fee, 通办; a QR; print the list."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.core.receipts import Material, MaterialsList
from kiosk.ui.qr import qr_texture
from kiosk.ui.screens.base import KioskScreen


def materials_list(item, t) -> MaterialsList:
    """The printable materials list of a catalogue item (``t``: the message lookup)."""
    lines = [
        Material(
            name=m.name,
            kind=t("guide.item.original") if m.originals else t("guide.item.copy"),
            copies=m.originals or m.copies,
            note="" if m.required else t("guide.item.optional"),
        )
        for m in item.materials
    ]
    return MaterialsList(
        item_name=item.name,
        materials=lines,
        legal_days=item.legal_days,
        promised_days=item.promised_days,
        place=item.department,
        fee=item.fee,
    )


class ItemScreen(KioskScreen):
    """What to bring and what to expect, for one item."""

    kv_name = "item"
    item = ObjectProperty(None, allownone=True)
    body = StringProperty("")
    qr = ObjectProperty(None, allownone=True)
    printing = BooleanProperty(False)

    def load(self, code: str) -> None:
        """Fetch and show the item ``code``."""
        self.item = None
        self.body = self.app.t("common.loading")
        self.app.call(lambda s: s.catalogue.item(code), self._show)

    def _show(self, item) -> None:
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
        listing = materials_list(self.item, self.app.t)
        self.app.call(lambda s: s.printer.materials(listing), self._printed, self._print_failed)

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
            self.app.screen("apply").start(self.item.code)
            self.app.go("apply")

    def wipe(self) -> None:
        self.item = None
        self.body = ""
        self.qr = None
