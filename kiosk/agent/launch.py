"""Start the agent's tablet for real: Kivy set-up for a tablet, the front-end, the loop."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kiosk.config import Config
from kiosk.ui import kivy_env

# The tablet's layouts are drawn in dp for 800 px on its short side (this module imports
# no Kivy: it runs before Kivy is set up).
TABLET_DESIGN_PX = 800


def tablet_config(config: Config, *, portrait: bool = False, windowed: bool = False) -> Config:
    """``config`` for agent mode: a 1280x800 window (800x1280 in portrait) unless full screen,
    no kiosk lock-down (an agent's tablet is theirs)."""
    width, height = (800, 1280) if portrait else (1280, 800)
    ui = dataclasses.replace(
        config.ui,
        mode="agent",
        width=width,
        height=height,
        kiosk_lock=False,
        fullscreen=config.ui.fullscreen and not windowed,
    )
    return dataclasses.replace(config, ui=ui)


def prepare_tablet(config: Config, kivy_home: Path, size: tuple[int, int] | None = None) -> Path:
    """Kivy set up for a tablet (sizes drawn for an 800-px short side); call before Kivy."""
    return kivy_env.prepare(config.ui, kivy_home, size=size, design_px=TABLET_DESIGN_PX)


def run_agent(config: Config) -> None:
    """Open the agent's tablet and run until the window closes."""
    prepare_tablet(config, config.data_dir / "kivy")

    from kiosk.agent.app import AgentApp
    from kiosk.app import assemble_agent

    AgentApp(assemble_agent(config)).run()
