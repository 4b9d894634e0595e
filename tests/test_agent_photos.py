"""Photos of materials (downscaled, capture time kept, nothing else of the camera's EXIF, the
original never kept), the simulated camera, and the signature PNG."""

from __future__ import annotations

import functools
import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from devices.camera import CameraUnavailable, SimulatedCamera, open_camera
from kiosk.core.agents import PhotoUnreadable, SignatureEmpty, prepare_photo, signature_png
from kiosk.core.agents.photos import capture_time
from kiosk.demo.pictures import document_photo
from kiosk.resources import data_path
from tests.agent_fixtures import SIMPLE_ITEM, tablet  # noqa: F401
from tests.cases_fixtures import id_number

ZONE = UTC
TAKEN = datetime(2026, 11, 20, 9, 30, 5, tzinfo=UTC)


@functools.cache
def _camera_jpeg(size=(2400, 1800), orientation: int | None = None) -> bytes:
    """A camera's JPEG with its EXIF: capture time, GPS position, maker, orientation."""
    image = Image.open(io.BytesIO(document_photo("hukou", size)))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-0042"  # BodySerialNumber
    exif.get_ifd(0x8769)[0x9003] = "2026:11:19 08:15:00"
    exif.get_ifd(0x8769)[0x9011] = "+08:00"
    exif.get_ifd(0x8825)[2] = (30.0, 45.0, 0.0)  # GPSLatitude
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_is_downscaled_upright_with_its_capture_time_and_nothing_else():
    photo = prepare_photo(
        _camera_jpeg(orientation=6), max_px=1600, quality=80, captured_at=None, zone=ZONE, now=TAKEN
    )
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and image.size == (1200, 1600)  # turned upright
    assert photo.captured_at == datetime.fromisoformat("2026-11-19T08:15:00+08:00")
    assert capture_time(image, ZONE) == photo.captured_at
    exif = image.getexif()
    assert 0x010F not in exif and 0xA431 not in exif and 0x0112 not in exif
    assert not exif.get_ifd(0x8825)  # no GPS position
    assert len(photo.data) < 600_000


def test_the_cameras_time_wins_and_a_small_picture_is_not_enlarged():
    small = document_photo("bank", (800, 600))
    photo = prepare_photo(small, max_px=1600, quality=85, captured_at=TAKEN, zone=ZONE, now=TAKEN)
    assert (photo.width, photo.height) == (800, 600) and photo.captured_at == TAKEN


def test_what_is_no_picture_is_refused_in_words():
    with pytest.raises(PhotoUnreadable) as refused:
        prepare_photo(
            b"not an image", max_px=1600, quality=85, captured_at=None, zone=ZONE, now=TAKEN
        )
    assert refused.value.key == "agent.photo.unreadable"


def test_the_attached_photo_is_sealed_and_the_original_is_not_kept(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    person = desk.villagers.add_keyed(id_number(), "张桂英")
    case_id = desk.cases.new_draft(
        SIMPLE_ITEM, person.applicant(), channel="agent", agent=desk.session.ref
    )
    original = _camera_jpeg()
    attachment = desk.attach_photo(case_id, "M01", original)
    stored = desk.cases.files.read(attachment.path)
    assert Image.open(io.BytesIO(stored)).size == (1600, 1200)
    files = [p for p in tablet.data_dir.rglob("*") if p.is_file() and "attachments" in p.parts]
    assert [p.name for p in files] == [f"{attachment.attachment_id}.sealed"]
    assert (
        files[0].stat().st_size < len(original) / 2 and stored[:3] not in files[0].read_bytes()[:64]
    )
    # A PDF file is attached as it is.
    pdf = b"%PDF-1.4\n" + b"0" * 1000
    assert desk.attach_photo(case_id, "M01", pdf).media_type == "application/pdf"


def test_the_simulated_camera_gives_the_files_in_turn():
    camera = open_camera(
        "sim", sample_folder=data_path("assets") / "sim" / "camera", now=lambda: TAKEN
    )
    assert camera.frame() is None  # not started
    camera.start()
    preview = camera.frame()
    assert preview and max(preview.width, preview.height) <= 640
    assert len(preview.pixels) == preview.width * preview.height * 3
    first, second = camera.capture(), camera.capture()
    files = sorted((data_path("assets") / "sim" / "camera").glob("*.jpg"))
    assert first.data == files[0].read_bytes() and second.data == files[1].read_bytes()
    assert first.captured_at == TAKEN and first.media_type == "image/jpeg"
    camera.stop()
    with pytest.raises(CameraUnavailable):
        camera.capture()
    assert open_camera("") is None and open_camera("kivy") is None
    with pytest.raises(CameraUnavailable):
        SimulatedCamera([])


def test_opencv_missing_is_a_camera_unavailable(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "cv2", None)
    camera = open_camera("opencv:1")
    with pytest.raises(CameraUnavailable) as missing:
        camera.start()
    assert missing.value.key == "camera.unavailable"


def test_a_signature_is_black_ink_on_white():
    strokes = [[(0.1, 0.2), (0.3, 0.8), (0.5, 0.2)], [(0.6, 0.5), (0.9, 0.5)]]
    image = Image.open(io.BytesIO(signature_png(strokes)))
    assert image.format == "PNG" and image.size == (900, 300) and image.mode == "L"
    colours = dict((v, n) for n, v in image.getcolors())
    assert colours[255] > colours[0] > 1000  # mostly paper, some ink
    assert image.getpixel((int(0.3 * 899), int(0.2 * 299))) == 0  # y grows upwards on the pad
    with pytest.raises(SignatureEmpty):
        signature_png([])
    with pytest.raises(SignatureEmpty):
        signature_png([[(0.5, 0.5)]])
