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

from devices.printer import PAPER_80  # noqa: E402
from devices.printer.virtual import VirtualPrinter  # noqa: E402
from kiosk.app import assemble_front_end  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.core.voice import Voice  # noqa: E402
from kiosk.demo.driver import KioskDriver  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from tests.conftest import write_site  # noqa: E402


class Spoken:
    """Records what the kiosk would say: each sentence synthesised (once: the voice keeps its
    WAV) and each WAV played; the synthesiser writes a tiny fake WAV, nothing sounds."""

    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.played: list[Path] = []

    def synthesise(self, pinyin: str, wav: Path) -> None:
        self.sentences.append(pinyin)
        wav.write_bytes(b"RIFF")

    def play(self, wav: Path) -> None:
        self.played.append(wav)


@pytest.fixture(name="spoken")
def spoken_fixture() -> Spoken:
    return Spoken()


@pytest.fixture(name="printer")
def printer_fixture(tmp_path):
    """A virtual ESC/POS printer on 127.0.0.1 rendering each job into ``tmp_path/paper``."""
    with VirtualPrinter(PAPER_80, tmp_path / "paper") as printer:
        yield printer


@pytest.fixture(name="kiosk")
def kiosk_fixture(request, tmp_path, clock, spoken, printer):
    """A driver of the kiosk app on this test's site, store, manual clock and devices.

    The ID card reader is the serial driver on a pty with the simulator (sample cards) at
    the other end, opened by the composition root from ``[devices.idcard] port = "sim"``.
    Parametrize it indirectly with TOML to add to the site file (``[ui] kiosk_lock = true``).
    """
    ui_site_extra = getattr(request, "param", "")
    host, port = printer.listen()
    site = write_site(
        tmp_path,
        f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n'
        f'\n[devices.idcard]\nport = "sim"\npoll_interval_s = 0.05\n{ui_site_extra}',
    )
    config = load_config(site)
    voice = Voice(tmp_path / "voice", player=spoken.play, synthesiser=spoken.synthesise)
    app = KioskApp(assemble_front_end(config, clock, voice=voice, background=False))
    driver = KioskDriver(app, check_fit=True)
    driver.start()
    yield driver
    driver.note_misfits()
    driver.stop()
    assert driver.misfits == [], "texts that do not fit their box:\n" + "\n".join(driver.misfits)


@pytest.fixture(name="reader")
def reader_fixture(kiosk):
    """The kiosk's ID card reader (its simulator is ``reader.simulator``)."""
    return kiosk.app.front_end.devices.reader
