"""Fixtures for the kiosk UI tests: a real Kivy window (offscreen), the app on simulated devices.

Import explicitly, e.g. ``from tests.ui_fixtures import kiosk_fixture  # noqa: F401``; the
fixtures are named ``kiosk``, ``spoken``, ``printer`` and ``reader`` in tests. Kivy is set up
once per process (its window is process-wide); each test gets a fresh app, store, virtual
printer (TCP) and simulated ID card reader (on a pty).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from kiosk.config import Ui, section_defaults
from kiosk.ui import kivy_env

# Half the design size in each direction: the layouts scale (dp), llvmpipe draws 4x fewer pixels.
TEST_WINDOW = (960, 540)
kivy_env.prepare(
    section_defaults(Ui), Path(tempfile.mkdtemp(prefix="bianmin-kivy-")), size=TEST_WINDOW
)

from kivy.metrics import dp  # noqa: E402, F401  (for tests: sizes in design pixels)

from devices.idcard import open_reader  # noqa: E402
from devices.printer import PAPER_80  # noqa: E402
from devices.printer.virtual import VirtualPrinter  # noqa: E402
from kiosk.app import build_app  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.core.messages import Messages  # noqa: E402
from kiosk.core.voice import Voice  # noqa: E402
from kiosk.resources import data_path  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.driver import KioskDriver  # noqa: E402
from tests.conftest import write_site  # noqa: E402

SIM_CARDS = data_path("assets") / "sim" / "cards.toml"


class Spoken:
    """Records what the kiosk would say; the synthesiser writes a tiny fake WAV."""

    def __init__(self) -> None:
        self.sentences: list[str] = []

    def synthesise(self, pinyin: str, wav: Path) -> None:
        self.sentences.append(pinyin)
        wav.write_bytes(b"RIFF")


@pytest.fixture(name="spoken")
def spoken_fixture() -> Spoken:
    return Spoken()


@pytest.fixture(name="printer")
def printer_fixture(tmp_path):
    """A virtual ESC/POS printer on 127.0.0.1 rendering each job into ``tmp_path/paper``."""
    with VirtualPrinter(PAPER_80, tmp_path / "paper") as printer:
        yield printer


@pytest.fixture(name="reader")
def reader_fixture():
    """The serial ID card driver on a pty with the simulator (sample cards) at the other end."""
    reader = open_reader("sim", sim_cards=SIM_CARDS, poll_interval=0.05)
    reader.start()
    yield reader
    reader.stop()


@pytest.fixture(name="kiosk")
def kiosk_fixture(request, tmp_path, clock, spoken, printer, reader):
    """A driver of the kiosk app on this test's site, store, manual clock and devices.

    Parametrize it indirectly with TOML to add to the site file (``[ui] kiosk_lock = true``).
    """
    ui_site_extra = getattr(request, "param", "")
    host, port = printer.listen()
    site = write_site(
        tmp_path, f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n{ui_site_extra}'
    )
    config = load_config(site)
    voice = Voice(tmp_path / "voice", player=None, synthesiser=spoken.synthesise)
    app = KioskApp(
        config,
        clock,
        lambda: build_app(config, clock),
        voice=voice,
        messages=Messages("zh_CN"),
        reader=reader,
    )
    driver = KioskDriver(app)
    driver.start()
    yield driver
    driver.stop()
