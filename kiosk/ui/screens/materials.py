"""我要办 step 4: tick the materials brought along (the flow keeps the checklist in the draft)."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty

from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import Choice


class MaterialsScreen(KioskScreen):
    """One big tick box per material of the item (a :class:`MaterialsStep`)."""

    kv_name = "materials"
    voice_key = "voice.materials"
    checks = ListProperty()
    problem = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.ticked: set[str] = set()  # kept while the person goes back and forth

    def render(self, step) -> None:
        """The checklist, ticked as stored (and as ticked here before)."""
        super().render(step)
        self.checks = list(step.materials)
        self.problem = (
            self.app.t("materials.missing", names="、".join(step.missing)) if step.missing else ""
        )
        if self.problem and self.app.manager.current == self.name:
            self.app.say(self.problem)
        self.ticked |= {m.code for m in step.materials if m.checked}
        grid = self.ids.checklist
        grid.clear_widgets()
        t = self.app.t
        for m in step.materials:
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
            choice.state = "down" if m.code in self.ticked else "normal"
            choice.bind(on_release=self._ticked)
            grid.add_widget(choice)

    def _ticked(self, choice: Choice) -> None:
        if choice.state == "down":
            self.ticked.add(choice.value)
        else:
            self.ticked.discard(choice.value)

    def next(self) -> None:
        """下一步: the ticks are stored; the review next."""
        codes = {m.code for m in self.checks}
        self.forward(self.session.application.materials_done, self.ticked & codes)

    def wipe(self) -> None:
        super().wipe()
        self.checks = []
        self.problem = ""
        self.ticked = set()
        self.ids.checklist.clear_widgets()
