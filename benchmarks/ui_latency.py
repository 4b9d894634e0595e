"""Kiosk UI latency: cold start to the first frame, and a touch on 取号 to the ticket's last byte.

Cold start: a fresh process opens the real kiosk (offscreen, 1920x1080) on a store holding
5,000 catalogue items; the time runs from the moment the process is spawned to the first
frame of the interactive home screen (and, reported beside it, to the services being ready).
Beside it, in the same run, a minimal Kivy app (one Label, the same font) is started the same
way: the floor that any Kivy program pays on this machine.

Touch to ticket: the kiosk on its priority screen; the time runs from the touch on 普通排队
until the virtual printer (over TCP on 127.0.0.1) has received the ticket's last byte.
Beside it, the bare ``QueueService.take`` on the same store: what issuing a number costs
without the screen and the printer.

    .venv/bin/python benchmarks/ui_latency.py [--starts 3] [--taps 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# No speech: espeak-ng would compete with the measured path for the CPU.
NO_VOICE = "[ui]\nvoice = false\n"


# -- children: one cold start each, printing seconds since they were spawned ----------------


def child_kiosk(site: Path, spawned: float) -> None:
    from kiosk.config import load_config
    from kiosk.ui import kivy_env

    config = load_config(site)
    kivy_env.prepare(config.ui, Path(tempfile.mkdtemp()))
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.app import assemble_front_end
    from kiosk.demo.driver import KioskDriver
    from kiosk.ui.app import KioskApp

    app = KioskApp(assemble_front_end(config))
    flipped: list[float] = []
    Window.bind(on_flip=lambda *_: flipped.append(time.monotonic()))
    driver = KioskDriver(app)
    driver.start()
    driver.wait_until(lambda: flipped and driver.screen.name == "home", what="the first frame")
    first_frame = flipped[0]
    ready = app.call(lambda s: s.catalogue.count()).result(timeout=60)
    services_ready = time.monotonic()
    assert ready >= 5000, ready
    print(f"{first_frame - spawned:.4f} {services_ready - spawned:.4f}")
    driver.stop()
    EventLoop.close()


def child_minimal(spawned: float) -> None:
    from kiosk.config import Ui, section_defaults
    from kiosk.ui import kivy_env

    kivy_env.prepare(section_defaults(Ui), Path(tempfile.mkdtemp()))
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.uix.label import Label

    flipped: list[float] = []
    Window.bind(on_flip=lambda *_: flipped.append(time.monotonic()))
    Window.add_widget(Label(text="取号", font_size=80))
    while not flipped:
        EventLoop.idle()
    print(f"{flipped[0] - spawned:.4f} {flipped[0] - spawned:.4f}")
    EventLoop.close()


def cold_start(args: list[str]) -> tuple[float, float]:
    env = dict(os.environ, SDL_AUDIODRIVER="dummy", KIVY_NO_ARGS="1", PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    spawned = time.monotonic()
    out = subprocess.run(
        [sys.executable, __file__, *args, "--spawned", repr(spawned)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    first, ready = out.stdout.split()[-2:]
    return float(first), float(ready)


def seed_store(site: Path) -> int:
    from kiosk.app import build_app
    from kiosk.config import load_config
    from kiosk.demo.synthetic import synthetic_items

    services = build_app(load_config(site))
    services.catalogue.put_many(synthetic_items(5000 - services.catalogue.count()))
    count = services.catalogue.count()
    services.close()
    return count


# -- in process: touch to ticket, and the bare take ------------------------------------------


def tap_to_ticket(site_dir: Path, taps: int) -> tuple[list[float], list[float]]:
    from kiosk.config import Ui, section_defaults
    from kiosk.ui import kivy_env

    kivy_env.prepare(section_defaults(Ui), Path(tempfile.mkdtemp()))
    from kiosk.app import assemble_front_end
    from kiosk.demo.driver import KioskDriver
    from kiosk.demo.site import open_demo_site
    from kiosk.ui.app import KioskApp

    site = open_demo_site(site_dir, printer=True, extra=NO_VOICE)
    printer = site.printer
    app = KioskApp(assemble_front_end(site.config, background=False))
    driver = KioskDriver(app)
    driver.start()
    ui_ms = []
    for n in range(taps):
        app.go_home()
        driver.tap(id="take_number")
        driver.tap("社保医保")
        button = driver.find(id="ordinary")
        x, y = button.to_window(*button.center)
        driver.pump(3)
        touched = time.monotonic()
        driver.tap_at(x, y)
        jobs = printer.wait_for_jobs(n + 1, timeout=30)
        ui_ms.append((jobs[-1].finished_at - touched) * 1000)
        driver.wait_until(lambda: driver.screen.name == "ticket", what="the ticket screen")
    take_ms = []
    for _ in range(taps):
        started = time.perf_counter()
        app.call(lambda s: s.queue.take("social")).result(timeout=30)
        take_ms.append((time.perf_counter() - started) * 1000)
    driver.stop()
    site.close()
    return ui_ms, take_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts of each app")
    parser.add_argument("--taps", type=int, default=15, help="touches on 取号")
    parser.add_argument("--child", choices=("kiosk", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "kiosk":
        child_kiosk(args.site, args.spawned)
        return
    if args.child == "minimal":
        child_minimal(args.spawned)
        return

    with tempfile.TemporaryDirectory() as tmp:
        from kiosk.demo.site import write_demo_site

        site = write_demo_site(Path(tmp), NO_VOICE)
        items = seed_store(site)
        kiosk = [cold_start(["--child", "kiosk", "--site", str(site)]) for _ in range(args.starts)]
        floor = [cold_start(["--child", "minimal"]) for _ in range(args.starts)]
        start_s = statistics.median(k[0] for k in kiosk)
        ready_s = statistics.median(k[1] for k in kiosk)
        floor_s = statistics.median(f[0] for f in floor)
        print(f"catalogue items in the store: {items}")
        print(f"cold start to first frame, kiosk home: median {start_s:.3f} s of {args.starts}")
        print(f"cold start to services ready (5,000 items): median {ready_s:.3f} s")
        print(f"cold start to first frame, minimal Kivy app: median {floor_s:.3f} s")
        print(f"kiosk / minimal: {start_s / floor_s:.2f}x")
    with tempfile.TemporaryDirectory() as tmp:
        ui_ms, take_ms = tap_to_ticket(Path(tmp), args.taps)
    tap_ms = statistics.median(ui_ms)
    bare_ms = statistics.median(take_ms)
    print(
        f"touch on 普通排队 to the ticket's last byte at the printer: median {tap_ms:.1f} ms, "
        f"max {max(ui_ms):.1f} ms of {len(ui_ms)}"
    )
    print(f"bare QueueService.take: median {bare_ms:.1f} ms of {len(take_ms)}")
    print(f"touch-to-ticket / bare take: {tap_ms / bare_ms:.1f}x")
    print(
        f"RESULT start_s={start_s:.3f} start_floor_s={floor_s:.3f} "
        f"tap_to_ticket_ms={tap_ms:.1f} take_ms={bare_ms:.1f}"
    )


if __name__ == "__main__":
    main()
