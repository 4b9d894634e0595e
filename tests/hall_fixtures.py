"""A real hall server on 127.0.0.1 for tests: in this process (a thread) or as a process.

with running_hall(tmp_path) as hall:          # in-process, SystemClock
    hall.url, hall.services, hall.client_site(tmp_path / "kiosk2")

with HallProcess(site) as server:             # `bianmin hall serve`, kill -9 able
    server.kill(); server.start()             # same port again
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.app import Services, build_app, open_store
from kiosk.config import load_config
from kiosk.core.hall.service import HallService
from kiosk.core.hall.staff import StaffDirectory
from kiosk.hall.server import HallServer
from offline_sync.clock import Clock, SystemClock
from tests.conftest import cli_command, cli_env, write_site

HALL_KEY = "5a" * 32
WRONG_KEY = "a5" * 32
STAFF_ID, STAFF_NAME, STAFF_PIN = "1001", "王小红", "2468"
FAST_SCRYPT = 2**10  # test accounts only: a cheap hash keeps log-in tests quick


def server_toml(key: str = HALL_KEY) -> str:
    """The [hall] table of a hall server's site file (no speaker in tests)."""
    return f'\n[hall]\nkey = "{key}"\nspeaker = false\n'


def client_toml(url: str, key: str = HALL_KEY, timeout_s: float = 2.0) -> str:
    """The [hall] table of a client kiosk's site file."""
    return f'\n[hall]\nurl = "{url}"\nkey = "{key}"\nrequest_timeout_s = {timeout_s}\n'


def add_staff(services: Services, staff_id: str = STAFF_ID, name: str = STAFF_NAME,
              pin: str = STAFF_PIN) -> None:  # fmt: skip
    """An account for the counter page."""
    directory = StaffDirectory.for_services(services, FAST_SCRYPT)
    directory.add(staff_id, name, pin)


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningHall:
    """A hall server in this process with its site's services."""

    url: str
    services: Services
    hall: HallService
    server: HallServer
    site: Path

    def queue(self, work):
        """Run ``work(queue)`` on the server's store thread (as a request would) and wake the hub."""
        return self.hall.write(lambda: work(self.services.queue))

    def client_site(self, directory: Path, key: str = HALL_KEY) -> Path:
        """A second kiosk's site file pointing at this server."""
        directory.mkdir(parents=True, exist_ok=True)
        return write_site(directory, client_toml(self.url, key))


def start_hall(site: Path, clock: Clock | None = None, port: int = 0) -> RunningHall:
    """Build the services of ``site`` and serve its hall in a thread."""
    config = load_config(site)
    services = build_app(config, clock or SystemClock())
    hall = HallService.from_services(services, lambda: open_store(config))
    hall.staff.scrypt_n = FAST_SCRYPT
    server = HallServer(hall, "127.0.0.1", port)
    url = server.start()
    return RunningHall(url, services, hall, server, site)


def stop_hall(running: RunningHall) -> None:
    """Stop the server and close its services."""
    running.server.stop()
    running.services.close()


@contextmanager
def running_hall(
    directory: Path, clock: Clock | None = None, extra: str = ""
) -> Iterator[RunningHall]:
    """A hall server for a fresh site in ``directory`` (with one staff account)."""
    directory.mkdir(parents=True, exist_ok=True)
    site = write_site(directory, server_toml() + extra)
    running = start_hall(site, clock)
    add_staff(running.services)
    try:
        yield running
    finally:
        stop_hall(running)


class HallProcess:
    """``bianmin hall serve`` in a child process on a fixed port, restartable."""

    def __init__(self, site: Path, port: int | None = None) -> None:
        self.site = site
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> str:
        """Start serving; returns the URL the process printed first (once it listens)."""
        self.proc = subprocess.Popen(
            cli_command("hall", "serve", "--listen", f"127.0.0.1:{self.port}"),
            env=cli_env(self.site),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line:
            self.proc.kill()
            raise RuntimeError(f"hall serve did not start: {self.proc.stderr.read()}")
        assert line == self.url, line
        return line

    def kill(self) -> None:
        """SIGKILL, as a power cut would."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc.stdout.close()
            self.proc.stderr.close()
            self.proc = None

    def __enter__(self) -> HallProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
