"""``bianmin sim``: simulated devices for tests, demos and set-up without hardware."""

from __future__ import annotations

import click

from kiosk.cli.main import LazyGroup


@click.group(
    cls=LazyGroup,
    lazy={
        "printer": "kiosk.cli.printer:sim_printer",
        "idcard": "kiosk.cli.idcard:sim_idcard",
        "scanner": "kiosk.cli.scanner:sim_scanner",
    },
)
def sim() -> None:
    """Simulated devices (virtual printer, card reader, scanner)."""
