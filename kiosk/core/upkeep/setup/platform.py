"""Setting up the platform link: URL, device id and secret, tested by a ping and a signed request."""

from __future__ import annotations

from kiosk.core.upkeep.platform_link import probe_link
from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Option,
    Progress,
    SetupStep,
    report,
)
from kiosk.core.upkeep.site_file import SiteFile
from offline_sync.clock import Clock

CLOCK_NOTE_S = 30.0  # a clock this far off is worth a word even when the platform accepts


def clock_note(seconds: float) -> tuple[str, dict[str, float]]:
    """The sentence on a clock ``seconds`` off, in minutes, hours or days as fits."""
    if seconds < 2 * 3600:
        return "setup.platform.clock_off", {"minutes": round(seconds / 60, 1)}
    if seconds < 2 * 86400:
        return "setup.platform.clock_off_hours", {"hours": round(seconds / 3600)}
    return "setup.platform.clock_off_days", {"days": round(seconds / 86400)}


class PlatformSetup(SetupStep):
    """Tests a URL, device id and secret against the platform; saves them when accepted."""

    name = "platform"
    title_key = "setup.platform.title"
    pick = False  # the link is typed; the one in force is only shown

    def __init__(self, site: SiteFile, clock: Clock, timeout_s: float = 15.0) -> None:
        super().__init__(site)
        self.clock = clock
        self.timeout_s = timeout_s

    def candidates(self) -> list[Candidate]:
        """The link in use, if any (its secret is never shown)."""
        link = self.config().platform
        if not link.url:
            return []
        return [Candidate(link.url, link.url, link.device_id, True)]

    def in_force(self) -> str:
        """The platform's URL and this device's id."""
        link = self.config().platform
        return f"{link.url}  {link.device_id}" if link.url else ""

    def options(self) -> list[Option]:
        """URL, device id and secret (the secret in force is never shown: empty keeps it)."""
        link = self.config().platform
        return [
            Option("url", "setup.platform.url", "text", value=link.url),
            Option("device_id", "setup.platform.device_id", "text", value=link.device_id),
            Option("secret", "setup.platform.secret", "secret"),
        ]

    @property
    def limit_s(self) -> float:
        """A ping and a signed request, each under the timeout."""
        return 2 * self.timeout_s + 1

    def test(
        self,
        candidate_id: str = "",
        progress: Progress | None = None,
        url: str | None = None,
        device_id: str | None = None,
        secret: str | None = None,
    ) -> Finding:
        """Ping and send one signed request; empty values keep what is configured."""
        link = self.config().platform
        url = (url or candidate_id or link.url).strip().rstrip("/")
        device_id = (device_id or link.device_id).strip()
        secret = (secret or link.device_secret).strip().lower()
        report(progress, "setup.platform.asking", url=url)
        probe = probe_link(url, device_id, secret, self.clock, self.timeout_s)
        notes = ()
        offset = probe.clock_offset_s
        if offset is not None and abs(offset) >= CLOCK_NOTE_S:
            notes = (clock_note(abs(offset)),)
        settings = {}
        if probe.accepted:
            settings = {
                "platform.url": url,
                "platform.device_id": device_id,
                "platform.device_secret": secret,
            }
        return Finding(
            probe.accepted,
            f"setup.platform.{probe.code}",
            {"url": url, "ms": round(probe.elapsed_ms)},
            f"{probe.words}: {probe.detail}",
            settings,
            notes,
        )
