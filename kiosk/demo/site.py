"""The demo site: one factory for every demo, the tour, the benchmarks and the tests.

The packaged ``config/demo-site.toml`` (the example services, open around the clock, no
hardware) is copied into a folder, and what the caller asks for is started beside it and
added to the file: the reference platform on 127.0.0.1 (with this device enrolled), the
virtual ESC/POS printer on 127.0.0.1, the simulated ID card reader.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from devices.idcard.idnumber import is_valid_id_number
from devices.printer import PAPER_80
from devices.printer.virtual import VirtualPrinter
from kiosk.config import Config, load_config
from kiosk.core.catalogue import seed_dir
from kiosk.resources import data_path
from offline_sync.clock import Clock
from offline_sync.platform_server.runner import PlatformServer
from offline_sync.platform_server.service import PlatformService

DEMO_DEVICE_ID = "511502-K-000001"
SITE_FILE = "demo-site.toml"


def write_demo_site(folder: Path, extra: str = "") -> Path:
    """Copy the packaged demo site file into ``folder`` with the TOML ``extra`` added.

    Its data goes to ``folder/data``. Returns the site file's path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SITE_FILE
    shutil.copyfile(data_path("config") / SITE_FILE, path)
    if extra:
        with path.open("a", encoding="utf-8") as site:
            site.write("\n" + extra)
    return path


@dataclass
class DemoSite:
    """A demo site file and the simulators and platform started for it; close when done."""

    path: Path
    printer: VirtualPrinter | None = None
    platform_url: str | None = None
    platform: PlatformService | None = None
    _closers: list = field(default_factory=list, repr=False)

    @property
    def config(self) -> Config:
        """The site's configuration, checked."""
        return load_config(self.path)

    def close(self) -> None:
        """Stop what was started for the site, last started first (again: nothing)."""
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> DemoSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_demo_site(
    folder: Path,
    *,
    platform: bool = False,
    printer: bool = False,
    paper_dir: Path | None = None,
    reader: bool = False,
    extra: str = "",
    clock: Clock | None = None,
) -> DemoSite:
    """The demo site in ``folder`` with the parts asked for running.

    ``platform`` starts the reference platform (serving the catalogue the kiosk ships) and
    enrols the demo device; ``printer``
    the virtual printer (its paper as PNGs in ``paper_dir`` when given); ``reader``
    simulates the card reader with the sample cards. ``extra`` is more TOML for the site.
    ``clock`` is the platform's (the kiosk's clock, when the caller moves time).
    """
    site = DemoSite(path=folder / SITE_FILE)
    tables = []
    try:
        if platform:
            service = PlatformService.open(
                folder / "platform.sqlite3", is_valid_id_number, clock=clock
            )
            site._closers.append(service.close)
            site.platform = service
            service.load_catalogue(seed_dir())  # the items the kiosk ships, so cases arrive
            secret = service.enroll(DEMO_DEVICE_ID)
            server = PlatformServer(service)
            site.platform_url = server.start()
            site._closers.append(server.stop)
            tables.append(
                f'[platform]\nurl = "{site.platform_url}"\ndevice_id = "{DEMO_DEVICE_ID}"\n'
                f'device_secret = "{secret}"\n\n[sync]\ninterval_s = 5.0\n'
            )
        if printer:
            site.printer = VirtualPrinter(PAPER_80, paper_dir)
            site._closers.append(site.printer.close)
            host, port = site.printer.listen()
            tables.append(f'[devices.printer]\nurl = "tcp://{host}:{port}"\n')
        if reader:
            tables.append('[devices.idcard]\nport = "sim"\npoll_interval_s = 0.1\n')
        write_demo_site(folder, "\n".join([*tables, extra]).strip() + "\n")
    except BaseException:
        site.close()
        raise
    return site
