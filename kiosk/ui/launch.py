"""Start the kiosk for real: Kivy set-up, the front-end from config, the event loop."""

from __future__ import annotations

import sys
import threading

from kiosk.config import Config
from kiosk.ui import kivy_env


def run_kiosk(config: Config, *, console: bool = False) -> None:
    """Open the kiosk window and run until the technician exits (or the window closes).

    With ``[devices.idcard] port = "sim"`` the card reader is simulated with the sample
    cards; ``console`` then reads simulator commands (``place 0``, ``remove``, ``help``)
    from stdin.
    """
    kivy_env.prepare(config.ui, config.data_dir / "kivy")

    from kiosk.app import assemble_front_end
    from kiosk.ui.app import KioskApp

    front_end = assemble_front_end(config)
    simulator = getattr(front_end.devices.reader, "simulator", None)
    if console and simulator is not None:
        _simulator_console(simulator)
    KioskApp(front_end).run()


def _simulator_console(simulator) -> None:
    """Read ID card simulator commands from stdin on a daemon thread."""

    def loop() -> None:
        print("ID card simulator: type 'place 0' (or 1, 2 ...), 'remove', 'help'", flush=True)
        for line in sys.stdin:
            if line.strip():
                print(simulator.execute(line.strip()), flush=True)

    threading.Thread(target=loop, name="sim-console", daemon=True).start()
