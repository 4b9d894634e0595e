"""Photos of materials: a camera still or a chosen file, downscaled and re-encoded.

The longest side is brought down to ``[agent] photo_max_px`` (JPEG decoded at a reduced
scale first, which is most of the speed), turned upright by its EXIF orientation, encoded
as JPEG at ``[agent] photo_quality``. The capture time is kept in the new file's EXIF
(DateTimeOriginal with its UTC offset); everything else the camera wrote (GPS position,
device serial numbers) is dropped. The original is never written anywhere: it lives in
memory until the downscaled copy is made.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, tzinfo

from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.core.agents.errors import PhotoUnreadable

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_EXIF_FORMAT = "%Y:%m:%d %H:%M:%S"
Image.MAX_IMAGE_PIXELS = 120_000_000  # a 100-megapixel phone is fine; a decompression bomb is not


@dataclass(frozen=True)
class Photo:
    """A material's photo, ready to attach."""

    data: bytes
    width: int
    height: int
    captured_at: datetime
    media_type: str = "image/jpeg"


def capture_time(image: Image.Image, zone: tzinfo) -> datetime | None:
    """The time a picture was taken, from its EXIF (with its offset, else in ``zone``)."""
    try:
        exif = image.getexif().get_ifd(_EXIF_IFD)
        stamp = datetime.strptime(str(exif[_DATETIME_ORIGINAL]).strip("\0 "), _EXIF_FORMAT)
    except (KeyError, ValueError, TypeError, OSError):
        return None
    offset = str(exif.get(_OFFSET_TIME_ORIGINAL) or "").strip("\0 ")
    try:
        return (
            datetime.fromisoformat(stamp.isoformat() + offset)
            if offset
            else stamp.replace(tzinfo=zone)
        )
    except ValueError:
        return stamp.replace(tzinfo=zone)


def prepare_photo(
    source: bytes,
    *,
    max_px: int,
    quality: int,
    captured_at: datetime | None,
    zone: tzinfo,
    now: datetime,
) -> Photo:
    """The downscaled JPEG of ``source`` (any image Pillow reads); PhotoUnreadable if it is
    none. ``captured_at``: the camera's time of capture; for a file, its EXIF time, else
    ``now``."""
    try:
        image = Image.open(io.BytesIO(source))
        width, height = image.size
        scale = max_px / max(width, height)
        if scale < 1:
            # JPEG: decode at 1/2, 1/4 or 1/8 scale, still at least the target size.
            image.draft("RGB", (max(1, round(width * scale)), max(1, round(height * scale))))
        taken = captured_at or capture_time(image, zone) or now
        image = ImageOps.exif_transpose(image)
        if image.mode != "RGB":
            image = image.convert("RGB")
        if max(image.size) > max_px:
            image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS, reducing_gap=2.0)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoUnreadable(f"not a readable image: {exc}") from None
    exif = Image.Exif()
    local = taken.astimezone(zone) if taken.tzinfo else taken.replace(tzinfo=zone)
    details = exif.get_ifd(_EXIF_IFD)
    details[_DATETIME_ORIGINAL] = local.strftime(_EXIF_FORMAT)
    details[_OFFSET_TIME_ORIGINAL] = local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return Photo(out.getvalue(), image.width, image.height, local)


def is_pdf(data: bytes) -> bool:
    """True for a PDF file (attached as it is)."""
    return data[:5] == b"%PDF-"
