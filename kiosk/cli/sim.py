"""``bianmin sim``: simulated devices for tests, demos and set-up without hardware."""

from __future__ import annotations

import click


@click.group()
def sim() -> None:
    """Simulated devices (virtual printer, card reader, scanner)."""


# Simulators register below, one line each.
from kiosk.cli.printer import sim_printer  # noqa: E402

sim.add_command(sim_printer, "printer")
from kiosk.cli.idcard import sim_idcard  # noqa: E402

sim.add_command(sim_idcard, "idcard")
