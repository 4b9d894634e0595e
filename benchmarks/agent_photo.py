"""A 12-megapixel photo of a material, from the camera to a sealed, downscaled attachment.

Measured path (what the tablet does when the agent taps 拍照): the simulated camera hands
over a 4000x3000 JPEG (as a phone camera does), which is decoded at reduced scale,
turned upright, downscaled to ``[agent] photo_max_px``, re-encoded with only its capture
time, sealed under the agent's key (SM4-GCM), written and fsynced with its directory,
and named by its row in one SQLite transaction (``synchronous=FULL``).

Floor, in the same run on the same picture: a bare Pillow ``open``, ``thumbnail`` and
``save`` to a file (no orientation, no EXIF, no sealing, no fsync, no row). Aim: ratio < 1.5.
``thumbnail`` asks the JPEG decoder for twice the target size (its ``reducing_gap``), which
here means a full 12-megapixel decode; the pipeline asks for the target itself (a 1/2-scale
decode), so it may beat the floor. The floor with that same decode is printed beside it.

    .venv/bin/python benchmarks/agent_photo.py [--rounds 12]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from devices.camera import SimulatedCamera
from kiosk.app import build_agent
from kiosk.config import load_config
from kiosk.core.agents import AgentDesk
from kiosk.core.appliers import appliers
from kiosk.core.pins import hash_pin
from kiosk.demo.pictures import document_photo

SITE = """
[site]
code = "511502"
name = "基准测试代办点"
data_dir = "{data_dir}"

[[services]]
code = "social"
name = "社保医保"
prefix = "A"
counters = ["1号窗口"]

[ui]
mode = "agent"

[agent]
key_scrypt_n = 1024
"""
ITEM = "511500-0101-10"
ID_NUMBER = "511502195803121230"


def open_desk(folder: Path) -> tuple[AgentDesk, object]:
    """A tablet in ``folder`` with one agent logged in, and a draft case to attach to."""
    site = folder / "site.toml"
    site.write_text(SITE.format(data_dir=folder / "data"), encoding="utf-8")
    config = load_config(site)
    services = build_agent(config, background=False)  # the tablet, as `bianmin agent` builds it
    services.catalogue.seed_if_empty()
    account = {"agent_id": "A-1", "name": "李代办", "active": True, "villages": [],
               "pin": hash_pin("135790", n=1024)}  # fmt: skip
    with services.store.transaction() as conn:
        appliers(services.vault)["agent_account"](conn, account)
    session = services.login.log_in("A-1", "135790")
    return services.desk(session), services


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    photo = document_photo("hukou", (4000, 3000), quality=92)
    print(f"source: 4000x3000 JPEG, {len(photo)} bytes")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        desk, services = open_desk(folder)
        person = desk.villagers.add_keyed(ID_NUMBER, "张桂英")
        case_id = desk.cases.new_draft(
            ITEM, person.applicant(), channel="agent", agent=desk.session.ref
        )
        camera = SimulatedCamera([photo], now=lambda: datetime.now(UTC))
        camera.start()
        floor_file = folder / "floor.jpg"
        settings = desk.settings
        measured: list[float] = []
        floor: list[float] = []
        floor_draft: list[float] = []
        sizes: list[int] = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            still = camera.capture()
            attachment = desk.attach_photo(case_id, "M01", still.data, still.captured_at)
            measured.append(time.perf_counter() - started)
            sizes.append(attachment.size)

            started = time.perf_counter()
            image = Image.open(io.BytesIO(photo))
            image.thumbnail((settings.photo_max_px, settings.photo_max_px))
            image.save(floor_file, "JPEG", quality=settings.photo_quality)
            floor.append(time.perf_counter() - started)

            # The floor again with the reduced-scale JPEG decode the pipeline uses (context).
            started = time.perf_counter()
            image = Image.open(io.BytesIO(photo))
            image.draft("RGB", (settings.photo_max_px, settings.photo_max_px * 3 // 4))
            image.thumbnail((settings.photo_max_px, settings.photo_max_px))
            image.save(floor_file, "JPEG", quality=settings.photo_quality)
            floor_draft.append(time.perf_counter() - started)
        services.close()
    photo_ms = statistics.median(measured) * 1000
    floor_ms = statistics.median(floor) * 1000
    ratio = photo_ms / floor_ms
    print(f"capture to sealed attachment: median {photo_ms:.1f} ms over {args.rounds} photos")
    print(f"bare Pillow thumbnail + save: median {floor_ms:.1f} ms")
    print(
        f"  (the same with a reduced-scale decode first: median"
        f" {statistics.median(floor_draft) * 1000:.1f} ms)"
    )
    print(f"attachment: {statistics.median(sizes):.0f} bytes (JPEG q{settings.photo_quality}, "
          f"longest side {settings.photo_max_px} px)")  # fmt: skip
    print(f"RESULT photo_ms={photo_ms:.1f} floor_ms={floor_ms:.1f} ratio={ratio:.2f} "
          f"bytes={statistics.median(sizes):.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
