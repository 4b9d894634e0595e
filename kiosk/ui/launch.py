"""Start the kiosk for real: Kivy set-up, devices from config, the app, the event loop."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from kiosk.config import Config
from kiosk.ui import kivy_env

log = logging.getLogger(__name__)


def run_kiosk(config: Config, *, sim_cards: Path | None = None, console: bool = False) -> None:
    """Open the kiosk window and run until the technician exits (or the window closes).

    With ``[devices.idcard] port = "sim"`` the card reader is simulated with ``sim_cards``;
    ``console`` then reads simulator commands (``place 0``, ``remove``, ``help``) from stdin.
    """
    kivy_env.prepare(config.ui, config.data_dir / "kivy")

    from devices.idcard import open_reader
    from devices.scanner import SerialScanner
    from kiosk.app import start_kiosk
    from kiosk.core.messages import Messages
    from kiosk.core.voice import Voice, system_player
    from kiosk.ui.app import KioskApp
    from offline_sync.clock import SystemClock

    clock = SystemClock()
    settings = config.devices
    reader = None
    if settings.idcard.port:
        reader = open_reader(
            settings.idcard.port,
            settings.idcard.baud,
            settings.idcard.poll_interval_s,
            sim_cards=sim_cards,
        )
        reader.start()
        if console and getattr(reader, "simulator", None) is not None:
            _simulator_console(reader.simulator)
    scanner = (
        SerialScanner(settings.scanner.port, settings.scanner.baud)
        if settings.scanner.port
        else None
    )

    voice = Voice(config.data_dir / "voice", player=system_player())
    app = KioskApp(
        config,
        clock,
        lambda: start_kiosk(config, clock),
        voice=voice,
        messages=Messages(config.ui.language),
        reader=reader,
        scanner=scanner,
    )
    try:
        app.run()
    finally:
        if reader is not None:
            reader.stop()


def _simulator_console(simulator) -> None:
    """Read ID card simulator commands from stdin on a daemon thread."""

    def loop() -> None:
        print("ID card simulator: type 'place 0' (or 1, 2 ...), 'remove', 'help'", flush=True)
        for line in sys.stdin:
            if line.strip():
                print(simulator.execute(line.strip()), flush=True)

    threading.Thread(target=loop, name="sim-console", daemon=True).start()
