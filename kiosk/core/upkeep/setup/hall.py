"""Setting up the hall link: this box as the hall's server (or a kiosk on its own), or as a
client of the hall server.

A client is tested the way it will work: one signed request to the hall server with the
key (:meth:`kiosk.core.hall.client.HallClient.check`), the answer in words (no answer,
key refused). A server keeps its own queue; its test says whether the hall server
(``bianmin hall serve``, the counters' and the board's) answers on this box.
"""

from __future__ import annotations

import dataclasses
import re

from kiosk.config import Config
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

ROLES = ("server", "client")
HEX_KEY = re.compile(r"^[0-9a-f]{64}$")
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}


class HallSetup(SetupStep):
    """Role, URL and key of the hall link; a client is saved only when the server accepts it."""

    name = "hall"
    title_key = "setup.hall.title"
    pick_key = "setup.hall.pick"

    def __init__(self, site: SiteFile, clock: Clock) -> None:
        super().__init__(site)
        self.clock = clock

    def candidates(self) -> list[Candidate]:
        """The two roles, the one in force marked."""
        client = bool(self.config().hall.url)
        return [
            Candidate(
                role, role, "", (role == "client") == client, label_key=f"setup.hall.role.{role}"
            )
            for role in ROLES
        ]

    def in_force(self) -> str:
        """The hall server's URL (a client), or where this box's hall server listens."""
        hall = self.config().hall
        return hall.url or f"listen {hall.listen}"

    def options(self) -> list[Option]:
        """The hall server's URL (a client's) and the hall's key (empty keeps the key in force)."""
        return [
            Option("url", "setup.hall.url", "text", value=self.config().hall.url,
                   hint_key="setup.hall.url.hint"),
            Option("key", "setup.hall.key", "secret"),
        ]  # fmt: skip

    @property
    def limit_s(self) -> float:
        """One signed request under the hall's timeout."""
        return self.config().hall.request_timeout_s + 2

    def test(
        self,
        candidate_id: str,
        progress: Progress | None = None,
        url: str = "",
        key: str = "",
    ) -> Finding:
        """A client: one signed request to ``url`` with ``key``. A server: its own queue,
        and whether its hall server answers here."""
        config = self.config()
        key = (key or config.hall.key).strip().lower()
        if key and not HEX_KEY.match(key):
            return Finding(False, "setup.hall.bad_key_format", {}, "[hall] key: not 64 hex")
        if candidate_id == "client":
            url = (url or config.hall.url).strip().rstrip("/")
            if not url:
                return Finding(False, "setup.hall.no_url", {}, "[hall] url: empty")
            if not key:
                return Finding(False, "setup.hall.no_key", {}, "[hall] key: empty")
            report(progress, "setup.hall.asking", url=url)
            problem = ask_hall(config, url, key, self.clock)
            if problem is not None:
                return problem
            return Finding(
                True,
                "setup.hall.connected",
                {"url": url},
                f"{url}: answers and accepts this box's key",
                {"hall.url": url, "hall.key": key},
            )
        local = local_url(config.hall.listen)
        report(progress, "setup.hall.asking", url=local)
        running = key and ask_hall(config, local, key, self.clock) is None
        note = "setup.hall.server_running" if running else "setup.hall.server_not_running"
        return Finding(
            True,
            "setup.hall.own_queue",
            {},
            f"this box keeps the queue; hall server at {local}: "
            + ("answers" if running else "not answering"),
            {"hall.url": "", **({"hall.key": key} if key else {})},
            ((note, {"url": local}),),
        )


def local_url(listen: str) -> str:
    """The URL this box reaches its own hall server at (``0.0.0.0:8470`` -> 127.0.0.1)."""
    host, _, port = listen.rpartition(":")
    return f"http://{WILDCARD_HOSTS.get(host, host)}:{port}"


def ask_hall(config: Config, url: str, key: str, clock: Clock) -> Finding | None:
    """One signed request to the hall server at ``url``: None when it accepts, else why not."""
    from kiosk.core.hall.client import HallClient
    from kiosk.core.queue import HallRefused, HallUnavailable

    hall = dataclasses.replace(config.hall, url=url, key=key)
    client = HallClient(dataclasses.replace(config, hall=hall), clock)
    try:
        client.check()
    except HallUnavailable as exc:
        return Finding(False, "setup.hall.unreachable", {"url": url}, str(exc))
    except HallRefused as exc:
        return Finding(False, "setup.hall.refused", {"url": url}, str(exc))
    finally:
        client.close()
    return None
