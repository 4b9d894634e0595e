"""``bianmin scanner listen`` and ``bianmin sim scanner``: QR scanners for technicians."""

from __future__ import annotations

import queue
import sys

import click

from devices.scanner import ScannerState, SerialScanner, SimulatedScanner
from kiosk.cli.common import load_config


@click.group()
def scanner() -> None:
    """QR / barcode scanner (USB virtual-COM mode)."""


@scanner.command()
@click.option("--port", help="Serial device (default: [devices.scanner] port).")
@click.option("--baud", type=int, help="Baud rate (default: [devices.scanner] baud).")
@click.option("--count", type=int, default=0, help="Stop after this many scans (0: until Ctrl-C).")
@click.pass_context
def listen(ctx, port, baud, count) -> None:
    """Print each scan on its own line, and connection changes on stderr."""
    settings = load_config(ctx).devices.scanner
    port = port or settings.port
    if not port:
        raise click.UsageError("no scanner port: give --port or set [devices.scanner] port")
    scans: queue.Queue[str] = queue.Queue()

    def on_state(state: ScannerState) -> None:
        click.echo(f"scanner {port}: {state.value}", err=True)

    reader = SerialScanner(port, baud or settings.baud)
    reader.start(scans.put, on_state)
    try:
        seen = 0
        while not count or seen < count:
            click.echo(scans.get())
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()


@click.command("scanner")
@click.option("--encoding", default="utf-8", type=click.Choice(["utf-8", "gb18030"]))
def sim_scanner(encoding: str) -> None:
    """A simulated scanner: prints its device path, then scans each line read from stdin."""
    with SimulatedScanner(encoding) as sim:
        click.echo(sim.path)
        sys.stdout.flush()
        for line in sys.stdin:
            if line.strip():
                sim.scan(line.rstrip("\n"))
