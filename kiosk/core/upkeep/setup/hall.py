"""Setting up the hall link: this box as the hall's server, or as a client of one.

TODO(set-up screens wave): the hall server's API (``kiosk.hall``) is being built; once it
is on main, ``test`` asks it with the key (a signed request, as the platform step does)
and returns settings to save. Until then a client test reports whether the server
answers at all, and nothing is saved.
"""

from __future__ import annotations

import httpx

from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Option,
    Progress,
    SetupStep,
    report,
)
from kiosk.core.upkeep.site_file import SiteFile

ROLES = ("server", "client")


class HallSetup(SetupStep):
    """Role, URL and key of the hall link (incomplete: see the module's note)."""

    name = "hall"
    title_key = "setup.hall.title"

    def __init__(self, site: SiteFile, timeout_s: float = 5.0) -> None:
        super().__init__(site)
        self.timeout_s = timeout_s

    def candidates(self) -> list[Candidate]:
        """The two roles."""
        return [Candidate(role, f"setup.hall.role.{role}") for role in ROLES]

    def in_force(self) -> str:
        """The hall server's URL (a client's)."""
        return getattr(getattr(self.config(), "hall", None), "url", "")

    def options(self) -> list[Option]:
        """The hall server's URL and key (a client's; empty keeps the key in force)."""
        return [
            Option("url", "setup.hall.url", "text", hint_key="setup.hall.url.hint"),
            Option("key", "setup.hall.key", "secret"),
        ]

    @property
    def limit_s(self) -> float:
        """One request under the timeout."""
        return self.timeout_s + 1

    def test(
        self,
        candidate_id: str,
        progress: Progress | None = None,
        url: str = "",
        key: str = "",
    ) -> Finding:
        """For a client: does anything answer at ``url``? Never saved yet."""
        if candidate_id == "client":
            report(progress, "setup.hall.asking", url=url)
            try:
                httpx.get(url, timeout=self.timeout_s)
            except (httpx.HTTPError, ValueError) as exc:
                return Finding(False, "setup.hall.unreachable", {"url": url}, str(exc))
        return Finding(
            False, "setup.hall.pending", {"role": candidate_id}, "hall set-up comes later"
        )
