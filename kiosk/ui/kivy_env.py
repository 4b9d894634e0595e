"""Kivy's process-wide set-up: environment, window size, lock-down and the CJK font.

Kivy reads its environment and ``Config`` when first imported and sizes the window when
``kivy.core.window`` is first imported, so :func:`prepare` runs before either. With no
``DISPLAY`` SDL renders offscreen (Mesa llvmpipe), which is how tests and the tour run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk.config import Ui

# CJK fonts that cover Chinese, Latin and digits, most preferred first.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


DESIGN_HEIGHT_PX = 1080


class UiSetupError(Exception):
    """The kiosk window cannot start; the message says what to install or change."""


def find_cjk_font() -> Path:
    """The first installed CJK font of :data:`FONT_CANDIDATES`."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in FONT_CANDIDATES)
    raise UiSetupError(
        f"no Chinese font found (tried {tried}); install one: apt-get install fonts-wqy-microhei"
    )


def prepare(
    ui: Ui, kivy_home: Path, *, size: tuple[int, int] | None = None, design_px: int | None = None
) -> Path:
    """Configure Kivy for the kiosk; returns the registered font. Call before importing Kivy.

    ``kivy_home`` holds Kivy's own config and logs (inside the data directory, not ``~``).
    ``size`` overrides the configured window size (tests use a smaller window). Every size
    in the layouts is in ``dp`` of a 1080-px-high design, so the kiosk fills any window.
    """
    if "kivy" in sys.modules:
        raise UiSetupError("kiosk.ui.kivy_env.prepare() must run before anything imports Kivy")
    font = find_cjk_font()
    width, height = size or (ui.width, ui.height)
    kivy_home.mkdir(parents=True, exist_ok=True)
    # Layouts are drawn for 1080 px of height; other screens scale everything with it. A
    # front-end drawn for another size (the agent's tablet: 800 px on its short side) says so.
    scale = height / DESIGN_HEIGHT_PX if design_px is None else min(width, height) / design_px
    os.environ["KIVY_METRICS_DENSITY"] = f"{scale:.4f}"
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # Kivy logs through Python's logging like the rest of the program, and leaves stderr alone.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if ui.fullscreen else "0")
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "allow_screensaver", "0")
    Config.set("graphics", "show_cursor", "0" if ui.kiosk_lock else "1")
    Config.set("graphics", "multisamples", "0")
    Config.set("kivy", "exit_on_escape", "0" if ui.kiosk_lock else "1")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("kivy", "log_level", "warning")
    Config.set("input", "mouse", "mouse,disable_multitouch")

    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, str(font))
    return font
