"""我要办 step 4: tick the materials brought along (the case service keeps the checklist)."""

from __future__ import annotations

from kivy.properties import ListProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Choice


class MaterialsScreen(KioskScreen):
    """One big tick box per material of the item."""

    kv_name = "materials"
    voice_key = "voice.materials"
    checks = ListProperty()

    def begin(self) -> None:
        """Load the checklist of the session's case."""
        case_id = self.app.session.case_id
        self.app.call(lambda s: s.cases.case(case_id).materials, self._loaded)

    def _loaded(self, materials) -> None:
        self.checks = list(materials)
        grid = self.ids.checklist
        grid.clear_widgets()
        t = self.app.t
        for m in materials:
            counts = []
            if m.originals:
                counts.append(
                    f"{t('guide.item.original')} {t('guide.item.copies', count=m.originals)}"
                )
            if m.copies:
                counts.append(f"{t('guide.item.copy')} {t('guide.item.copies', count=m.copies)}")
            optional = f"（{t('guide.item.optional')}）" if not m.required else ""
            size = self.app.fs["small"]
            choice = Choice(
                text=f"[b]{m.name}[/b]{optional}\n[size={size}]{'，'.join(counts)}[/size]",
                value=m.code,
            )
            choice.state = "down" if m.code in self.app.session.materials or m.checked else "normal"
            choice.bind(on_release=self._ticked)
            grid.add_widget(choice)

    def _ticked(self, choice: Choice) -> None:
        if choice.state == "down":
            self.app.session.materials.add(choice.value)
        else:
            self.app.session.materials.discard(choice.value)

    def next(self) -> None:
        """下一步: store the ticks, then review."""
        case_id = self.app.session.case_id
        ticked = set(self.app.session.materials)
        codes = [m.code for m in self.checks]

        def store(services):
            for code in codes:
                services.cases.check_material(case_id, code, code in ticked)
            return services.cases.case(case_id)

        self.app.call(store, self._stored)

    def _stored(self, case) -> None:
        self.app.screen("review").show(case)
        self.app.go("review")

    def wipe(self) -> None:
        self.checks = []
        self.ids.checklist.clear_widgets()
