"""The villager's signature on the authorisation (委托): strokes drawn on the tablet, rendered
as a PNG with black ink on white, the image a platform reviewer sees."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw

from kiosk.core.agents.errors import SignatureEmpty

Stroke = Sequence[tuple[float, float]]
SIGNATURE_SIZE = (900, 300)
_INK = 7


def signature_png(strokes: Sequence[Stroke], size: tuple[int, int] = SIGNATURE_SIZE) -> bytes:
    """Render ``strokes`` (points from 0 to 1 across the pad, y upwards as Kivy gives them)
    into a grey-scale PNG of ``size``; SignatureEmpty when nothing was drawn."""
    drawn = [s for s in strokes if len(s) >= 1]
    if not drawn or sum(len(s) for s in drawn) < 3:
        raise SignatureEmpty("the signature pad is empty")
    width, height = size
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    radius = _INK / 2
    for stroke in drawn:
        points = [(x * (width - 1), (1 - y) * (height - 1)) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=_INK, joint="curve")
        for x, y in (points[0], points[-1]):  # round ends
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
