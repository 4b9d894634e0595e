"""``bianmin scanner listen`` and ``bianmin sim scanner``: QR scanners for technicians."""

from __future__ import annotations

import queue
import signal
import sys

import click

from devices.scanner import SIM_PORT, ScannerState, SimulatedScanner, open_scanner
from kiosk.cli.common import load_config, sigterm_ends_it

BAUD_RATES = ("9600", "19200", "38400", "57600", "115200")


@click.group()
def scanner() -> None:
    """QR / barcode scanner (USB virtual-COM mode)."""


@scanner.command()
@click.option("--port", help="Serial device, e.g. /dev/ttyACM0 (default: [devices.scanner] port).")
@click.option(
    "--baud",
    type=click.Choice(BAUD_RATES),
    help="Baud rate (default 9600, or [devices.scanner] baud with no --port).",
)
@click.option(
    "--count",
    type=click.IntRange(min=0),
    default=0,
    help="Stop after this many scans (0: until Ctrl-C).",
)
@click.pass_context
def listen(ctx: click.Context, port: str | None, baud: str | None, count: int) -> None:
    """Print each scan on its own line, and connection changes with their cause on stderr.

    Waits for the scanner while it is missing or unplugged and carries on when it is back.
    """
    if port is None:
        settings = load_config(ctx).devices.scanner
        port, baud = settings.port, baud or str(settings.baud)
        if not port:
            raise click.UsageError("no scanner port: give --port or set [devices.scanner] port")
    if port == SIM_PORT:
        raise click.UsageError(
            "port 'sim' is a scanner simulated inside the kiosk; run `bianmin sim scanner` "
            "and listen on the path it prints"
        )
    scans: queue.Queue[str] = queue.Queue()
    reader = open_scanner(port, int(baud or 9600))

    def on_state(state: ScannerState) -> None:
        cause = f" ({reader.reason})" if reader.reason else ""
        click.echo(f"scanner {port}: {state.value}{cause}", err=True)

    with sigterm_ends_it():
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
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    type=click.Choice(["utf-8", "gb18030"]),
    help="How the scanner encodes Chinese (gb18030: some older scanners).",
)
def sim_scanner(encoding: str) -> None:
    """A simulated scanner on a pty: prints its device path, then scans each line read from stdin.

    Keeps the device until interrupted (Ctrl-C or SIGTERM), also after stdin ends.
    """
    with sigterm_ends_it(), SimulatedScanner(encoding) as sim:
        click.echo(sim.path)
        click.echo(f"simulated scanner ({encoding}): each line typed is one scan", err=True)
        try:
            for line in sys.stdin:
                if line.strip():
                    sim.scan(line.rstrip("\r\n"))
            signal.pause()
        except KeyboardInterrupt:
            pass
