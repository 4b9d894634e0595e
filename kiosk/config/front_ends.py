"""The front-ends' tables: ``[ui]`` (the kiosk), ``[agent]`` (the tablet), ``[hall]`` (the hall
server, its board and speaker, the phone page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kiosk.config.checks import pattern, public_url_problem, within


@dataclass(frozen=True)
class Ui:
    fullscreen: bool
    kiosk_lock: bool
    width: int = field(metadata=within(320, 7680))
    height: int = field(metadata=within(240, 4320))
    large_font: bool
    voice: bool
    idle_s: int = field(metadata=within(5, 3600))
    countdown_s: int = field(metadata=within(1, 120))
    technician_pin: str = field(metadata=pattern(r"^(|\d{4,12})$", "4 to 12 digits or empty"))
    language: Literal["zh_CN"]
    mode: Literal["kiosk", "agent"]


_POWERS_OF_TWO = tuple(2**k for k in range(10, 21))


@dataclass(frozen=True)
class Agent:
    photo_max_px: int = field(metadata=within(640, 4096))
    photo_quality: int = field(metadata=within(50, 95))
    idle_lock_s: int = field(metadata=within(30, 3600))
    pin_attempts: int = field(metadata=within(3, 10))
    lockout_min: int = field(metadata=within(1, 1440))
    erase_after: int = field(metadata=within(5, 30))
    key_scrypt_n: int = field(metadata={"choices": _POWERS_OF_TWO, "allowed": "a power of 2"})
    due_soon_days: int = field(metadata=within(0, 30))
    stale_draft_days: int = field(metadata=within(1, 90))
    camera: str = field(
        metadata=pattern(
            r"^(|sim|sim:.+|kivy|opencv(:\d+)?)$", "empty, sim, sim:DIR, kivy or opencv:N"
        )
    )


@dataclass(frozen=True)
class Hall:
    url: str = field(metadata=pattern(r"^(|https?://\S+)$", "an http(s) URL or empty"))
    key: str = field(metadata=pattern(r"^(|[0-9a-f]{64})$", "64 lower-case hex characters"))
    listen: str = field(
        metadata=pattern(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$", "HOST:PORT")
    )
    request_timeout_s: float = field(metadata=within(0.2, 60))
    speaker: bool
    chime: bool
    voice: bool
    repeats: int = field(metadata=within(1, 5))
    min_show_s: float = field(metadata=within(5, 60))
    session_hours: float = field(metadata=within(0.5, 24))
    pin_attempts: int = field(metadata=within(2, 20))
    lockout_min: float = field(metadata=within(1, 1440))
    public_url: str = field(
        metadata=pattern(r"^(|https?://\S+)$", "an http(s) URL or empty")
        | {"problem": public_url_problem}
    )
    phone_open_per_address: int = field(metadata=within(0, 100))
    phone_daily_per_address: int = field(metadata=within(0, 1000))
    phone_actions_per_min: int = field(metadata=within(2, 600))

    @property
    def phone_url(self) -> str:
        """The phone page (扫码取号) as phones reach it; empty when no ``public_url`` is set."""
        return self.public_url.rstrip("/") + "/m" if self.public_url else ""
