"""Queue ticket to paper: time from `take` to the last byte of the ticket on the wire.

A ticket is taken (durable write), its status is checked (DLE EOT 1-4), its bytes are
rendered and written to the virtual printer on a pty. The virtual printer takes bytes no
faster than the baud rate the driver set, like a UART, and stamps the arrival of the last
byte. The floor is the wire time of the job's bytes alone (10 bits a byte), for the same
job in the same run. Measured at 9600 and 115200 baud; RESULT keys without a suffix are
for 9600 baud, the usual setting of serial receipt printers.

    .venv/bin/python benchmarks/ticket_print.py [--n 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.printer import PAPER_80
from devices.printer.transport import wire_seconds
from devices.printer.virtual import VirtualPrinter
from kiosk.app import build_app
from kiosk.config import load_config
from kiosk.core.printing import PrintService
from kiosk.demo.site import write_demo_site


def bench(app, baud: int, n: int) -> dict[str, float]:
    """Median figures of ``n`` tickets at ``baud`` (after one warm-up ticket)."""
    with VirtualPrinter(PAPER_80, pace=True) as vp:
        url = f"serial://{vp.open_pty()}?baud={baud}"
        service = PrintService.from_config(app.config, app.store, app.vault, app.clock, url=url)
        totals, returns, floors, sizes = [], [], [], []
        for i in range(n + 1):
            start = time.monotonic()
            ticket = app.queue.take("social")
            result = service.ticket(ticket)
            returned = time.monotonic()
            job = vp.wait_for_jobs(i + 1)[i]
            if not result.printed:
                raise SystemExit(f"ticket not printed: {result.detail}")
            if i == 0:
                continue  # warm-up: fonts, profile, first connection
            totals.append((job.finished_at - start) * 1000)
            returns.append((returned - start) * 1000)
            floors.append(wire_seconds(len(job.raw), baud) * 1000)
            sizes.append(len(job.raw))
        service.close()
    return {
        "ticket_ms": statistics.median(totals),
        "returned_ms": statistics.median(returns),
        "floor_ms": statistics.median(floors),
        "bytes": statistics.median(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5, help="tickets per baud rate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(load_config(write_demo_site(Path(tmp))))
        results = {}
        for baud in (9600, 115200):
            r = bench(app, baud, args.n)
            results[baud] = r
            print(
                f"{baud:>6} baud: {r['bytes']:.0f} bytes, take->last byte {r['ticket_ms']:.1f} ms"
                f" (print call returned after {r['returned_ms']:.1f} ms),"
                f" wire floor {r['floor_ms']:.1f} ms, ratio {r['ticket_ms'] / r['floor_ms']:.2f}"
            )
        app.close()
    slow, fast = results[9600], results[115200]
    print(
        f"RESULT ticket_ms={slow['ticket_ms']:.1f} floor_ms={slow['floor_ms']:.1f}"
        f" ratio={slow['ticket_ms'] / slow['floor_ms']:.2f}"
        f" ticket_ms_115200={fast['ticket_ms']:.1f} floor_ms_115200={fast['floor_ms']:.1f}"
        f" ratio_115200={fast['ticket_ms'] / fast['floor_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
