"""Made-up photos of materials (a household register page, a bank book, an ID card copy) for
the simulated camera, the tour, tests and the photo benchmark: paper on a table, shot a
little crooked, with fine grain, so a JPEG of it is as large as a phone's."""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from devices.printer.fonts import font

PAGES = {
    "hukou": (
        "常住人口登记卡",
        ["户主姓名  张桂英", "与户主关系  本人", "出生地  四川省乐山市", "民族  汉"],
    ),
    "bank": ("农村信用社存折", ["户名  张桂英", "账号  6228 **** **** 1234", "开户网点  青山镇"]),
    "idcopy": (
        "居民身份证复印件",
        ["姓名  张桂英", "性别  女  民族  汉", "住址  四川省乐山市青山镇"],
    ),
}


def document_photo(
    kind: str, size: tuple[int, int] = (2048, 1536), seed: int = 1, quality: int = 90
) -> bytes:
    """A JPEG photo of the made-up document ``kind`` (one of :data:`PAGES`) at ``size``."""
    rng = random.Random(seed)
    width, height = size
    table = Image.new("RGB", size, (120, 92, 60))
    paper = Image.new("RGB", (int(width * 0.7), int(height * 0.8)), (246, 243, 232))
    draw = ImageDraw.Draw(paper)
    title, lines = PAGES[kind]
    big, small = font(max(12, paper.height // 12)), font(max(10, paper.height // 20))
    margin = paper.width // 12
    draw.text((margin, margin), title, fill=(30, 30, 30), font=big)
    for i, line in enumerate(lines):
        y = margin + paper.height // 6 + i * paper.height // 8
        draw.text((margin, y), line, fill=(40, 40, 60), font=small)
        draw.line(
            (margin, y + paper.height // 14, paper.width - margin, y + paper.height // 14),
            fill=(160, 150, 140),
            width=2,
        )
    paper = paper.convert("RGBA").rotate(
        rng.uniform(-4, 4), expand=True, resample=Image.Resampling.BILINEAR
    )
    mask = paper.getchannel("A").filter(ImageFilter.GaussianBlur(2))
    table.paste(
        paper.convert("RGB"), ((width - paper.width) // 2, (height - paper.height) // 2), mask
    )
    noise = Image.frombytes("L", size, rng.randbytes(width * height))
    photo = Image.blend(table, Image.merge("RGB", (noise, noise, noise)), 0.08)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=quality)
    return out.getvalue()


def write_samples(folder: Path, size: tuple[int, int] = (2048, 1536)) -> list[Path]:
    """Write one photo of each made-up document into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, kind in enumerate(PAGES):
        path = folder / f"{i + 1}-{kind}.jpg"
        path.write_bytes(document_photo(kind, size, seed=i + 1, quality=70))
        paths.append(path)
    return paths
