"""What is kept and for how long: ``[backup]`` and ``[privacy]``."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.config.checks import pattern, within


@dataclass(frozen=True)
class Backup:
    dir: str
    keep: int = field(metadata=within(1, 365))
    at: str = field(metadata=pattern(r"^([01]\d|2[0-3]):[0-5]\d$", "HH:MM"))


@dataclass(frozen=True)
class Privacy:
    retain_days: int = field(metadata=within(1, 3650))
