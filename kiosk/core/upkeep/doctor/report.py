"""The doctor's frame: statuses, results, the registry of checks, the context, the runner."""

from __future__ import annotations

import enum
import importlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config import Config, ConfigError, load_config
from offline_sync.clock import Clock, SystemClock

CHECK_MODULES = ("checks_system", "checks_devices", "checks_links")
DEFAULT_LIMIT_S = 20.0


class Status(enum.StrEnum):
    """How a check came out, mildest first."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    CRASH = "crash"  # the check itself raised or hung: reported, never aborts the rest

    @property
    def failing(self) -> bool:
        """True for the statuses that make ``bianmin doctor`` exit 1."""
        return self in (Status.FAIL, Status.CRASH)


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome: one line of detail, one fix hint (empty when ok)."""

    name: str
    status: Status
    detail: str
    fix: str = ""
    more: tuple[str, ...] = ()  # further lines for ``-v``
    seconds: float = 0.0

    def as_dict(self) -> dict[str, str]:
        """The JSON form: ``name``, ``status``, ``detail``, ``fix``."""
        return {
            "name": self.name,
            "status": str(self.status),
            "detail": self.detail,
            "fix": self.fix,
        }


def ok(detail: str, *more: str) -> CheckResult:
    """A passed check (the runner fills in the name)."""
    return CheckResult("", Status.OK, detail, "", more)


def warn(detail: str, fix: str, *more: str) -> CheckResult:
    """Works, but a technician should look."""
    return CheckResult("", Status.WARN, detail, fix, more)


def fail(detail: str, fix: str, *more: str) -> CheckResult:
    """Does not work: ``bianmin doctor`` exits 1."""
    return CheckResult("", Status.FAIL, detail, fix, more)


class NotChecked(Exception):
    """A check could not look (its prerequisite is broken): reported as a warning."""

    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix


@dataclass(frozen=True)
class Check:
    """A registered check."""

    name: str
    summary: str
    run: Callable[[DoctorContext], CheckResult]
    limit_s: float = DEFAULT_LIMIT_S


CHECKS: dict[str, Check] = {}


def check(name: str, summary: str, limit_s: float = DEFAULT_LIMIT_S):
    """Register the decorated function as the check ``name`` (registry order is report order)."""

    def register(
        fn: Callable[[DoctorContext], CheckResult],
    ) -> Callable[[DoctorContext], CheckResult]:
        CHECKS[name] = Check(name, summary, fn, limit_s)
        return fn

    return register


def registry() -> dict[str, Check]:
    """Every check, in report order: the order of ``CHECK_MODULES``, then of each module,
    whichever module happened to be imported first."""
    modules = [f"kiosk.core.upkeep.doctor.{module}" for module in CHECK_MODULES]
    for module in modules:
        importlib.import_module(module)
    rank = {module: i for i, module in enumerate(modules)}
    return dict(
        sorted(CHECKS.items(), key=lambda item: rank.get(item[1].run.__module__, len(rank)))
    )


@dataclass
class DoctorContext:
    """What the checks share: the configuration, the clock, and lookups done once.

    The paths and the command runner are parameters so tests can stage a machine.
    """

    config_path: str | None
    store_file: str
    clock: Clock = field(default_factory=SystemClock)
    timeout_s: float = 10.0
    proc: Path = Path("/proc")
    udev_rule_dirs: Sequence[Path] = (
        Path("/etc/udev/rules.d"),
        Path("/lib/udev/rules.d"),
        Path("/usr/lib/udev/rules.d"),
    )
    run_command: Callable[[Sequence[str]], tuple[int, str]] | None = None
    own_ports: Sequence[str] = ()  # ports the calling process holds itself (the kiosk's devices)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for (its exception, every time)."""
        with self._lock:
            slot = self._cache.setdefault(key, threading.Lock())
        with slot:
            if key + "/value" not in self._cache:
                try:
                    self._cache[key + "/value"] = (compute(), None)
                except Exception as exc:  # handed to every check that asks
                    self._cache[key + "/value"] = (None, exc)
            value, error = self._cache[key + "/value"]
        if error is not None:
            raise error
        return value

    def config(self) -> Config:
        """The configuration; NotChecked when it does not load (the config check says why)."""
        try:
            return self.once("config", lambda: load_config(self.config_path))
        except ConfigError:
            raise NotChecked(
                "not checked: the configuration does not load", "see the config check"
            ) from None

    @property
    def store_path(self) -> Path:
        """The store file of the configured data directory."""
        return self.config().data_dir / self.store_file

    def command(self, argv: Sequence[str]) -> tuple[int, str]:
        """Run a small system command: (exit status, stdout); 127 when it is not installed."""
        if self.run_command is not None:
            return self.run_command(argv)
        import subprocess

        try:
            done = subprocess.run(
                list(argv), capture_output=True, text=True, timeout=self.timeout_s, check=False
            )
        except FileNotFoundError:
            return 127, ""
        except subprocess.TimeoutExpired:
            return 124, ""
        return done.returncode, done.stdout


@dataclass(frozen=True)
class DoctorReport:
    """Every result, in registry order, and the overall status."""

    results: list[CheckResult]

    @property
    def status(self) -> Status:
        """The worst status of all."""
        order = list(Status)
        return max((r.status for r in self.results), key=order.index, default=Status.OK)

    @property
    def failed(self) -> bool:
        """True when a check failed or crashed."""
        return any(r.status.failing for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        """``{"status": ..., "checks": [{"name", "status", "detail", "fix"}, ...]}``."""
        return {"status": str(self.status), "checks": [r.as_dict() for r in self.results]}


def run_checks(context: DoctorContext, names: Sequence[str] = ()) -> DoctorReport:
    """Run the named checks (all when none is named) side by side; KeyError for an unknown name."""
    checks = registry()
    for name in names:
        if name not in checks:
            raise KeyError(name)
    chosen = [checks[n] for n in names] if names else list(checks.values())
    slots: list[CheckResult | None] = [None] * len(chosen)
    threads = []
    for i, item in enumerate(chosen):
        thread = threading.Thread(
            target=_run_one, args=(item, context, slots, i), name=f"doctor {item.name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    started = time.monotonic()
    for i, (item, thread) in enumerate(zip(chosen, threads, strict=True)):
        thread.join(max(0.0, started + item.limit_s - time.monotonic()))
        if slots[i] is None:
            slots[i] = CheckResult(
                item.name,
                Status.CRASH,
                f"no result within {item.limit_s:g} s",
                "run this check alone with -v; report it with bianmin diagnostics",
                seconds=item.limit_s,
            )
    return DoctorReport([r for r in slots if r is not None])


def _run_one(item: Check, context: DoctorContext, slots: list, index: int) -> None:
    started = time.monotonic()
    try:
        result = item.run(context)
        if not isinstance(result, CheckResult):
            raise TypeError(f"returned {result!r}, not a result")
    except NotChecked as exc:
        result = CheckResult("", Status.WARN, exc.detail, exc.fix)
    except Exception as exc:  # a crashing check is reported, never fatal
        result = CheckResult(
            "",
            Status.CRASH,
            f"the check raised {type(exc).__name__}: {exc}",
            "report it with bianmin diagnostics",
        )
    slots[index] = CheckResult(
        item.name, result.status, result.detail, result.fix, result.more,
        time.monotonic() - started,
    )  # fmt: skip
