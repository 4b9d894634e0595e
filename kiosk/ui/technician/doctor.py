"""体检: ``bianmin doctor`` on the kiosk's screen, each check's result in words with its
English detail and fix beneath, for a technician without a shell."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.technician.base import TechnicianScreen, in_background

TICK_S = 0.5
STATUS_ROLES = {"ok": "success", "warn": "primary", "fail": "danger", "crash": "danger"}


class CheckRow(BoxLayout):
    """One check: its status in a coloured badge, its name, the English detail and fix."""

    name = StringProperty("")
    status = StringProperty("ok")
    role = StringProperty("success")
    title = StringProperty("")
    word = StringProperty("")
    detail = StringProperty("")
    fix = StringProperty("")


class DoctorScreen(TechnicianScreen):
    """Runs every doctor check side by side, then lists them worst first."""

    kv_name = "tech_doctor"
    running = BooleanProperty(False)
    summary = StringProperty("")
    elapsed = NumericProperty(0)
    limit = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._run: object | None = None
        self._ticker: Any = None
        self._started = 0.0

    def run(self) -> None:
        """Run the checks off the UI thread (again: 重新体检)."""
        from kiosk.app import STORE_FILE
        from kiosk.core.upkeep.doctor import DoctorContext, run_checks
        from kiosk.core.upkeep.doctor.report import registry

        if self.running:
            return
        run = object()
        self._run = run
        self.running = True
        self.ids.results.clear_widgets()
        self.limit = max(check.limit_s for check in registry().values())
        self.summary = self.app.t("tech.doctor.running", seconds=round(self.limit))
        self._started = self.app.clock.monotonic()
        self._ticker = Clock.schedule_interval(self._tick, TICK_S)
        devices = self.app.front_end.devices
        context = DoctorContext(
            self.app.front_end.config.source,
            STORE_FILE,
            self.app.clock,
            own_ports=[getattr(d, "port", "") for d in (devices.reader, devices.scanner) if d],
        )
        in_background(
            lambda: run_checks(context),
            lambda report: self._show(run, report),
            lambda exc: self._failed(run, exc),
            "tech-doctor",
        )

    def _tick(self, _dt: float) -> None:
        self.elapsed = self.app.clock.monotonic() - self._started
        self.app.keep_session()

    def _show(self, run: object, report: Any) -> None:
        if run is not self._run:
            return
        self._done()
        t = self.app.t
        counts = {s: sum(str(r.status) == s for r in report.results) for s in STATUS_ROLES}
        self.summary = t(
            "tech.doctor.summary",
            total=len(report.results),
            ok=counts["ok"],
            warn=counts["warn"],
            fail=counts["fail"] + counts["crash"],
        )
        order = list(STATUS_ROLES)
        for result in sorted(report.results, key=lambda r: -order.index(str(r.status))):
            status = str(result.status)
            self.ids.results.add_widget(
                CheckRow(
                    name=result.name,
                    status=status,
                    role=STATUS_ROLES[status],
                    title=t(f"tech.doctor.check.{result.name}"),
                    word=t(f"tech.doctor.status.{status}"),
                    detail=result.detail,
                    fix=f"fix: {result.fix}" if result.fix else "",
                )
            )

    def _failed(self, run: object, exc: BaseException) -> None:
        if run is self._run:
            self._done()
            self.app.show_problem(exc)

    def _done(self) -> None:
        self._run = None
        self.running = False
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def on_leave(self, *_args: object) -> None:
        self._done()
