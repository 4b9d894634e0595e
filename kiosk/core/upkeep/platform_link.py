"""Testing the platform link: a ping, then one signed request, the answer in words.

Used by the platform set-up step (before anything is saved) and by the doctor. The
signed request is a one-item read of the change feed: it changes nothing on the
platform or on the device (the cursor it returns is thrown away).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from offline_sync.client import AuthRejected, LinkDown, PlatformClient, PlatformError
from offline_sync.clock import Clock

# What each answer means for a technician: (words, what to do).
MEANINGS: dict[str, tuple[str, str]] = {
    "accepted": ("the platform accepts this device's signature", ""),
    "unreachable": (
        "the platform cannot be reached",
        "check the network cable or 4G router and the URL; try again when the link is up",
    ),
    "not_platform": (
        "something answers at this URL, but it is not the platform (a portal or a proxy?)",
        "check the URL (https://HOST, without /api/v1) and log the router into the network",
    ),
    "unknown_device": (
        "the platform does not know this device id, or it was disabled",
        "check the device id with the county; a disabled device needs a new enrolment",
    ),
    "bad_signature": (
        "the platform refuses the signature: the device secret is wrong",
        "enter the secret issued at enrolment again (64 hex characters)",
    ),
    "bad_secret_format": (
        "the device secret is not 64 hex characters",
        "enter the secret issued at enrolment again (64 hex characters)",
    ),
    "clock_skew": (
        "the platform refuses the time: the device clock is off",
        "set the clock (timedatectl set-ntp true, or set the time by hand) and retry",
    ),
    "replayed_nonce": ("the platform saw a repeated request", "retry"),
    "error": ("the platform answered with an error", "retry; report it if it stays"),
}


@dataclass(frozen=True)
class LinkProbe:
    """How the platform answered: ``code`` is a key of :data:`MEANINGS`."""

    code: str
    detail: str  # the precise answer, for the log and the technician
    clock_offset_s: float | None  # platform clock minus device clock, when it answered
    elapsed_ms: float

    @property
    def accepted(self) -> bool:
        """True when the signed request was accepted."""
        return self.code == "accepted"

    @property
    def reachable(self) -> bool:
        """True when the platform itself answered (whatever it said)."""
        return self.code not in ("unreachable", "not_platform")

    @property
    def words(self) -> str:
        """The answer in words."""
        return MEANINGS[self.code][0]

    @property
    def fix(self) -> str:
        """What to do about it (empty when accepted)."""
        return MEANINGS[self.code][1]


def probe_link(
    url: str,
    device_id: str,
    secret: str,
    clock: Clock,
    timeout_s: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> LinkProbe:
    """Ping the platform at ``url`` and send one request signed with ``device_id`` and ``secret``."""
    started = time.monotonic()

    def done(code: str, detail: str, offset: float | None = None) -> LinkProbe:
        return LinkProbe(code, detail, offset, (time.monotonic() - started) * 1000)

    try:
        client = PlatformClient(url, device_id, secret, clock, timeout_s, transport=transport)
    except ValueError as exc:
        return done("bad_secret_format", str(exc))
    with client:
        pinged = client.ping()
        offset = client.clock_offset if pinged else None
        try:
            client.changes(None, limit=1)
        except AuthRejected as exc:
            code = exc.code if exc.code in MEANINGS else "error"
            return done(code, str(exc), client.clock_offset)
        except LinkDown as exc:
            return done("not_platform" if exc.status else "unreachable", str(exc), offset)
        except PlatformError as exc:
            return done("error", str(exc), client.clock_offset)
        if not pinged:
            return done("not_platform", f"{url}/api/v1/ping does not answer as the platform")
        return done("accepted", f"{url}: signed request accepted", client.clock_offset)
