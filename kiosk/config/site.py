"""The site's own tables: ``[site]``, ``[[services]]``, ``[hours]``, ``[queue]``."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.config.checks import pattern, within


@dataclass(frozen=True)
class Site:
    code: str = field(
        metadata=pattern(r"^\d{6}(-[A-Za-z0-9]+)*$", "a 6-digit region code, e.g. 511502")
    )
    name: str = field(metadata=pattern(r"\S", "a non-empty name"))
    data_dir: str = field(metadata=pattern(r"\S", "a directory path"))
    timezone: str
    phone: str = field(metadata=pattern(r"^(|[0-9][0-9 -]{4,18}[0-9])$", "a phone number or empty"))
    letters: str = field(metadata=pattern(r"^(|[A-Z]{1,3})$", "1 to 3 capital letters or empty"))


@dataclass(frozen=True)
class Service:
    code: str = field(metadata=pattern(r"^[a-z0-9_]{1,32}$", "lower-case letters, digits, _"))
    name: str = field(metadata=pattern(r"\S", "a non-empty Chinese name"))
    prefix: str = field(metadata=pattern(r"^[A-UW-Z]$", "one capital letter A-Z except V"))
    counters: list[str] = field(metadata={"non_empty": True, "allowed": "a non-empty list"})
    default_service_min: float = field(metadata=within(0.5, 240))
    themes: list[str]


@dataclass(frozen=True)
class Hours:
    open: str = field(metadata=pattern(r"^([01]\d|2[0-3]):[0-5]\d$", "HH:MM"))
    close: str = field(metadata=pattern(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", "HH:MM"))
    days: list[int]


@dataclass(frozen=True)
class Queue:
    appointment_grace_min: int = field(metadata=within(0, 240))
    service_time_window: int = field(metadata=within(1, 1000))
    counter_active_min: int = field(metadata=within(1, 1440))
