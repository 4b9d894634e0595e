"""Fixtures for the kiosk UI tests: a real Kivy window (offscreen), the app on simulated devices.

Import explicitly: ``from tests.ui_fixtures import kiosk_fixture, spoken_fixture  # noqa: F401``
(the fixtures are called ``kiosk`` and ``spoken`` in tests). Kivy is set up
once per process (its window is process-wide); each test gets a fresh app and store.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from kiosk.config import Ui
from kiosk.ui import kivy_env

kivy_env.prepare(Ui(), Path(tempfile.mkdtemp(prefix="bianmin-kivy-")))

from kiosk.app import build_app  # noqa: E402
from kiosk.core.messages import Messages  # noqa: E402
from kiosk.core.voice import Voice  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.driver import KioskDriver  # noqa: E402


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


@pytest.fixture(name="kiosk")
def kiosk_fixture(config, clock, tmp_path, spoken):
    """A driver of the kiosk app built on this test's config, store and manual clock."""
    services = build_app(config, clock)
    voice = Voice(tmp_path / "voice", player=None, synthesiser=spoken.synthesise)
    app = KioskApp(services, voice=voice, messages=Messages("zh_CN"))
    driver = KioskDriver(app)
    driver.start()
    yield driver
    driver.stop()
    services.close()
