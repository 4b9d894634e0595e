"""One screen for every set-up step: what is there, a test under a time limit, the answer
in words, and 保存 only after a test that worked.

The screen renders a :class:`~kiosk.core.upkeep.setup.SetupStep` and nothing else: the
step lists candidates and options, tests, and saves into the site file; the kiosk then
takes the new configuration in at once (:mod:`kiosk.ui.site_reload`). While the screen
shows, the kiosk's own device of that kind lets go of its port, so that the test can
use it; leaving the screen gives it back (the old setting, when nothing was saved).
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from kiosk.ui.technician.base import TechnicianScreen, in_background
from kiosk.ui.technician.widgets import TextField

# The kiosk's device that a step's test needs the port of.
STEP_DEVICES = {"idcard": "reader", "scanner": "scanner"}
TICK_S = 0.2
GRACE_S = 5.0  # past the step's own limit, the screen stops waiting


class SetupScreen(TechnicianScreen):
    """Renders one set-up step: candidates, options, 测试, the finding, 保存."""

    kv_name = "tech_setup"
    title = StringProperty("")
    in_force = StringProperty("")
    state = OptionProperty("idle", options=("idle", "testing", "passed", "failed", "saved"))
    chosen = StringProperty("")
    progress_text = StringProperty("")
    fraction = NumericProperty(0)
    result_text = StringProperty("")
    detail_text = StringProperty("")
    can_test = BooleanProperty(False)
    can_save = BooleanProperty(False)
    empty = BooleanProperty(False)
    pick = BooleanProperty(True)  # the step's candidates are to choose from (else only shown)
    pick_text = StringProperty("")
    notes_text = StringProperty("")  # further sentences of a finding (a warning on the side)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step: Any = None
        self.finding: Any = None
        self.values: dict[str, Any] = {}
        self._run: object | None = None  # the test under way; a stale one's answer is ignored
        self._started = 0.0
        self._ticker: Any = None
        self._held = ""
        self._fields: dict[str, TextField] = {}  # the typed options, by name
        self._instead: set[str] = set()  # typed options that stand in for a candidate

    # -- showing a step ------------------------------------------------------------------

    def render(self, step: Any) -> None:
        """Show ``step`` afresh: nothing chosen, typed or tested yet."""
        self.step = step
        self.title = self.app.t(step.title_key)
        self.pick = step.pick
        self.pick_text = self.app.t(step.pick_key)
        self.values = {option.name: option.value for option in step.options()}
        self._forget()
        self.chosen = ""
        self._build_options(step.options())
        self.list_candidates()

    def refresh(self) -> None:
        self._hold_port()

    def on_leave(self, *_args: object) -> None:
        self._run = None
        self._stop_ticker()
        if self._held:
            self._held = ""
            self.app.site_reload.give_back_devices()

    def wipe(self) -> None:
        self.step = None
        self.values = {}
        self._forget()
        self.chosen = ""
        self.ids.candidates.clear_widgets()
        self.ids.options.clear_widgets()

    def list_candidates(self) -> None:
        """Look for what is there (again: 重新查找), off the UI thread."""
        step = self.step
        in_background(
            lambda: (step.candidates(), step.in_force()),
            lambda found: self._show_candidates(step, *found),
            self.app.show_problem,
            "setup-list",
        )

    def _show_candidates(self, step: Any, candidates: list[Any], in_force: str) -> None:
        if step is not self.step:
            return
        self.in_force = in_force or self.app.t("setup.not_set")
        box = self.ids.candidates
        box.clear_widgets()
        if not self.chosen:
            current = [c for c in candidates if c.current and c.present]
            if current or len(candidates) == 1:
                self.chosen = (current or candidates)[0].id
        for candidate in sorted(candidates, key=lambda c: not c.current):  # in force first
            choice = Factory.CandidateChoice(
                text=self._candidate_text(candidate),
                value=candidate.id,
                state="down" if candidate.id == self.chosen else "normal",
            )
            choice.bind(on_release=lambda widget: self.choose(widget.value))
            box.add_widget(choice)
        self.empty = not candidates and step.pick
        self._update()

    def _candidate_text(self, candidate: Any) -> str:
        tags = []
        if candidate.current:
            tags.append(self.app.t("setup.in_use"))
        if not candidate.present:
            tags.append(self.app.t("setup.not_present"))
        small = "  ".join([escape_markup(candidate.detail)] + [f"[b]{t}[/b]" for t in tags])
        size = round(self.app.fs["small"] * 0.8)
        label = self.app.t(candidate.label_key) if candidate.label_key else candidate.label
        return f"[b]{escape_markup(label)}[/b]\n[size={size}]{small.strip()}[/size]"

    def _build_options(self, options: list[Any]) -> None:
        box = self.ids.options
        box.clear_widgets()
        self._fields = {}
        self._instead = {option.name for option in options if option.instead}
        for option in options:
            box.add_widget(Factory.TechText(text=self.app.t(option.label_key)))
            if option.kind == "choice":
                row = BoxLayout(size_hint_y=None, height=dp(110), spacing=dp(12))
                for value in option.choices:
                    key = option.choice_key
                    choice = Factory.OptionChoice(
                        text=self.app.t(key, value=value) if key else str(value),
                        group=f"setup-{option.name}",
                        state="down" if value == option.value else "normal",
                    )
                    choice.bind(on_release=lambda _w, n=option.name, v=value: self.set(n, v))
                    row.add_widget(choice)
                box.add_widget(row)
            else:
                secret = option.kind == "secret"
                field = TextField(
                    label=self.app.t(option.label_key),
                    value="" if secret else str(option.value),
                    secret=secret,
                    placeholder=self.app.t(
                        "setup.keep_current" if secret else option.hint_key or "setup.type"
                    ),
                )
                field.bind(on_change=lambda _w, value, n=option.name: self.set(n, value))
                self._fields[option.name] = field
                box.add_widget(field)

    # -- taps ----------------------------------------------------------------------------

    def choose(self, candidate_id: str) -> None:
        """A candidate was tapped: a new test is needed before anything can be saved."""
        self.chosen = candidate_id
        for name in self._instead:  # a typed stand-in gives way to the candidate
            self.values[name] = self._fields[name].value = ""
        self._forget()

    def set(self, name: str, value: Any) -> None:
        """An option changed: a new test is needed before anything can be saved."""
        self.values[name] = value
        if name in self._instead and value:  # typed, it stands in for the candidate
            self.chosen = ""
            for choice in self.ids.candidates.children:
                choice.state = "normal"
        self._forget()

    def test(self) -> None:
        """测试: run the step's test off the UI thread, with its progress shown."""
        if not self.can_test:
            return
        step, run = self.step, object()
        self._run = run
        self.finding = None
        self.state = "testing"
        self.result_text = ""
        self.detail_text = ""
        self.notes_text = ""
        self.progress_text = self.app.t("common.loading")
        self._started = self.app.clock.monotonic()
        self._ticker = Clock.schedule_interval(self._tick, TICK_S)
        self._tick()

        def progress(key: str, params: Any) -> None:
            Clock.schedule_once(lambda _dt: self._progress(run, key, params))

        values = {name: _typed(value) for name, value in self.values.items()}
        in_background(
            lambda: step.test(self.chosen, progress, **values),
            lambda finding: self._tested(run, finding),
            lambda exc: self._test_failed(run, exc),
            f"setup-{step.name}",
        )
        self._update()

    def save(self) -> None:
        """保存: write what the test found into the site file; the kiosk takes it in."""
        if not self.can_save:
            return
        step, finding = self.step, self.finding
        self.can_save = False
        in_background(lambda: step.save(finding), self._saved, self._save_failed, "setup-save")

    # -- answers -------------------------------------------------------------------------

    def _progress(self, run: object, key: str, params: Any) -> None:
        if run is self._run:
            self.progress_text = self.app.t(key, **params)
            self.app.keep_session()

    def _tick(self, _dt: float = 0) -> None:
        limit = self.step.limit_s
        elapsed = self.app.clock.monotonic() - self._started
        self.fraction = min(1.0, elapsed / limit)
        self.ids.elapsed.text = self.app.t(
            "setup.testing", seconds=int(elapsed), limit=round(limit)
        )
        if elapsed > limit + GRACE_S:
            self._run = None
            self._stop_ticker()
            self._show(False, self.app.t("setup.too_long", limit=round(limit)), "")

    def _tested(self, run: object, finding: Any) -> None:
        if run is not self._run:
            return
        self._run = None
        self._stop_ticker()
        self.finding = finding
        t = self.app.t
        self._show(finding.ok, t(finding.key, **finding.params), finding.detail)
        self.notes_text = "\n".join(t(key, **params) for key, params in finding.notes)

    def _test_failed(self, run: object, exc: BaseException) -> None:
        if run is self._run:
            self._run = None
            self._stop_ticker()
            self._show(False, self.app.t("setup.test_error"), str(exc))

    def _saved(self, _config: Any) -> None:
        self.app.site_reload.poll()  # take the new configuration in now, not in a few seconds
        self._hold_port()
        lines = [self.app.t("setup.applied")]
        if self.app.site_reload.restart_needed:
            lines.append(self.app.t("setup.applied.at_next_start"))
        self.finding = None
        self.state = "saved"
        self.result_text = "\n".join(lines)
        self.notes_text = ""
        self.list_candidates()

    def _save_failed(self, exc: BaseException) -> None:
        self.state = "failed"
        self.result_text = self.app.t("setup.save_failed")
        self.detail_text = str(exc)
        self._update()

    # -- state ---------------------------------------------------------------------------

    def _show(self, ok: bool, words: str, detail: str) -> None:
        self.state = "passed" if ok else "failed"
        self.result_text = words
        self.detail_text = detail
        self.notes_text = ""
        self.progress_text = ""
        self.fraction = 0
        self._update()

    def _forget(self) -> None:
        """What was found belongs to what was chosen: a new choice needs a new test."""
        if self.state != "testing":
            self.finding = None
            self.state = "idle"
            self.result_text = ""
            self.detail_text = ""
            self.notes_text = ""
            self.progress_text = ""
        self._update()

    def _update(self) -> None:
        step = self.step
        typed = any(isinstance(v, str) and v.strip() for v in self.values.values())
        self.can_test = (
            step is not None
            and self.state != "testing"
            and bool(self.chosen or not step.pick or typed)
        )
        self.can_save = bool(
            self.state == "passed" and self.finding is not None and self.finding.settings
        )

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def _hold_port(self) -> None:
        """Have the kiosk's own device of this kind let go of its port while the screen shows."""
        device = STEP_DEVICES.get(self.step.name if self.step is not None else "")
        if self.step is not None and self.step.name == "printer":
            self.app.call(lambda services: services.printer.close())
        if device:
            self._held = device
            self.app.site_reload.release_device(device)


def _typed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value
