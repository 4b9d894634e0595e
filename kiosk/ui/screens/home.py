"""Home: six big tiles, 大字模式 and 语音 toggles, site name, clock, notices, link state."""

from __future__ import annotations

from kiosk.ui.screens.base import KioskScreen


class HomeScreen(KioskScreen):
    """The screen the kiosk always comes back to."""

    kv_name = "home"
    voice_key = "voice.home"
