"""Draw the pictograms of the home tiles and of the guide's life events (白色 on
transparent, 256x256 PNG).

Simple, clear shapes drawn for this program, no outside images:
``python assets/pictograms/draw.py`` rewrites ``assets/pictograms/<key>.png``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
INK = (255, 255, 255, 255)
W = 14  # line width
HERE = Path(__file__).resolve().parent


def canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    return image, ImageDraw.Draw(image)


def birth(d: ImageDraw.ImageDraw) -> None:
    # A pram: the hood, the basket, two wheels, the handle.
    d.pieslice((40, 50, 170, 180), 180, 270, fill=INK)
    d.rectangle((40, 112, 200, 150), fill=INK)
    d.line((200, 115, 228, 70), fill=INK, width=W)
    d.ellipse((55, 165, 105, 215), outline=INK, width=W)
    d.ellipse((140, 165, 190, 215), outline=INK, width=W)


def school(d: ImageDraw.ImageDraw) -> None:
    # An open book.
    d.polygon([(28, 70), (124, 90), (124, 210), (28, 190)], outline=INK, width=W)
    d.polygon([(228, 70), (132, 90), (132, 210), (228, 190)], outline=INK, width=W)
    for y in (120, 150):
        d.line((50, y - 10, 105, y), fill=INK, width=8)
        d.line((206, y - 10, 151, y), fill=INK, width=8)


def work(d: ImageDraw.ImageDraw) -> None:
    # A briefcase.
    d.rounded_rectangle((36, 90, 220, 210), radius=18, outline=INK, width=W)
    d.rounded_rectangle((92, 50, 164, 96), radius=12, outline=INK, width=W)
    d.line((36, 140, 220, 140), fill=INK, width=W)


def old_age(d: ImageDraw.ImageDraw) -> None:
    # An elder with a walking stick.
    d.ellipse((96, 28, 146, 78), fill=INK)
    d.line((118, 84, 108, 160), fill=INK, width=22)
    d.line((108, 158, 84, 226), fill=INK, width=W)
    d.line((108, 158, 134, 226), fill=INK, width=W)
    d.line((114, 104, 160, 138), fill=INK, width=W)
    d.line((166, 132, 176, 228), fill=INK, width=W)
    d.arc((150, 112, 184, 146), 180, 360, fill=INK, width=W)


def health(d: ImageDraw.ImageDraw) -> None:
    # A medical cross in a circle.
    d.ellipse((28, 28, 228, 228), outline=INK, width=W)
    d.rectangle((104, 64, 152, 192), fill=INK)
    d.rectangle((64, 104, 192, 152), fill=INK)


def disability(d: ImageDraw.ImageDraw) -> None:
    # A person in a wheelchair.
    d.ellipse((98, 24, 140, 66), fill=INK)
    d.line((118, 76, 118, 140), fill=INK, width=W)
    d.line((118, 100, 166, 100), fill=INK, width=W)
    d.line((118, 140, 176, 140), fill=INK, width=W)
    d.line((176, 140, 196, 196), fill=INK, width=W)
    d.arc((50, 120, 160, 230), 0, 360, fill=INK, width=W)


def hardship(d: ImageDraw.ImageDraw) -> None:
    # A heart held in two hands.
    d.ellipse((60, 40, 132, 112), fill=INK)
    d.ellipse((124, 40, 196, 112), fill=INK)
    d.polygon([(64, 90), (192, 90), (128, 160)], fill=INK)
    d.line((28, 150, 70, 200, 186, 200, 228, 150), fill=INK, width=W, joint="curve")


def home(d: ImageDraw.ImageDraw) -> None:
    # A house with a door.
    d.polygon([(128, 30), (230, 118), (26, 118)], fill=INK)
    d.rectangle((52, 118, 204, 222), outline=INK, width=W)
    d.rectangle((108, 156, 148, 222), fill=INK)


def farming(d: ImageDraw.ImageDraw) -> None:
    # A sprout of rice: a stem and leaves over the ground.
    d.line((128, 216, 128, 70), fill=INK, width=W)
    d.ellipse((128, 74, 214, 118), fill=INK)
    d.ellipse((42, 118, 128, 162), fill=INK)
    d.ellipse((104, 36, 152, 84), fill=INK)
    d.line((30, 220, 226, 220), fill=INK, width=W)


def papers(d: ImageDraw.ImageDraw) -> None:
    # An ID card: a photo and three lines.
    d.rounded_rectangle((24, 60, 232, 196), radius=16, outline=INK, width=W)
    d.rectangle((150, 86, 206, 160), fill=INK)
    for y in (94, 124, 154):
        d.line((50, y, 128, y), fill=INK, width=10)


def death(d: ImageDraw.ImageDraw) -> None:
    # A flower (a chrysanthemum of remembrance) on its stem.
    for angle in range(0, 360, 45):
        from math import cos, radians, sin

        x, y = 128 + 44 * cos(radians(angle)), 92 + 44 * sin(radians(angle))
        d.ellipse((x - 24, y - 24, x + 24, y + 24), fill=INK)
    d.ellipse((108, 72, 148, 112), fill=(0, 0, 0, 0), outline=INK, width=6)
    d.line((128, 140, 128, 232), fill=INK, width=W)
    d.chord((128, 170, 190, 214), 90, 270, fill=INK)


def tile_take_number(d: ImageDraw.ImageDraw) -> None:
    # A queue slip coming out of the printer's slot: the slot, the slip with its big
    # number bar and two lines, its torn zigzag edge.
    d.rounded_rectangle((30, 24, 226, 56), radius=10, fill=INK)
    edge = [(62 + 22 * i, 214 if i % 2 == 0 else 232) for i in range(7)]
    d.line([(62, 56), (62, 214)], fill=INK, width=W)
    d.line([(194, 56), (194, 214)], fill=INK, width=W)
    d.line(edge, fill=INK, width=W, joint="curve")
    d.rectangle((90, 86, 166, 132), fill=INK)
    d.line((90, 162, 166, 162), fill=INK, width=8)
    d.line((90, 188, 146, 188), fill=INK, width=8)


def tile_guide(d: ImageDraw.ImageDraw) -> None:
    # A list of papers to bring: a sheet with ticks and lines.
    d.rounded_rectangle((52, 30, 204, 226), radius=12, outline=INK, width=W)
    for y in (76, 126, 176):
        d.line((76, y, 92, y + 14, 116, y - 12), fill=INK, width=8)
        d.line((132, y, 180, y), fill=INK, width=8)


def tile_apply(d: ImageDraw.ImageDraw) -> None:
    # An ID card: the card, the photo, the lines of text.
    d.rounded_rectangle((24, 62, 232, 194), radius=16, outline=INK, width=W)
    d.rectangle((150, 88, 206, 160), fill=INK)
    for y in (96, 126, 156):
        d.line((48, y, 128, y), fill=INK, width=8)


def tile_progress(d: ImageDraw.ImageDraw) -> None:
    # A magnifying glass.
    d.ellipse((40, 36, 164, 160), outline=INK, width=W + 4)
    d.line((148, 146, 214, 212), fill=INK, width=W + 12)


def tile_rating(d: ImageDraw.ImageDraw) -> None:
    # A smiling face.
    d.ellipse((34, 34, 222, 222), outline=INK, width=W)
    d.ellipse((86, 88, 110, 112), fill=INK)
    d.ellipse((146, 88, 170, 112), fill=INK)
    d.arc((78, 110, 178, 184), 20, 160, fill=INK, width=W)


def tile_unsolved(d: ImageDraw.ImageDraw) -> None:
    # A speech bubble with an exclamation mark: something went wrong, tell us.
    d.rounded_rectangle((30, 36, 226, 176), radius=28, outline=INK, width=W)
    d.polygon([(70, 170), (70, 226), (120, 170)], fill=INK)
    d.line((128, 62, 128, 124), fill=INK, width=W + 6)
    d.ellipse((118, 138, 138, 158), fill=INK)


PICTURES = {
    "birth": birth,
    "school": school,
    "work": work,
    "old_age": old_age,
    "health": health,
    "disability": disability,
    "hardship": hardship,
    "home": home,
    "farming": farming,
    "papers": papers,
    "death": death,
    "tile_take_number": tile_take_number,
    "tile_guide": tile_guide,
    "tile_apply": tile_apply,
    "tile_progress": tile_progress,
    "tile_rating": tile_rating,
    "tile_unsolved": tile_unsolved,
}


def main() -> None:
    for key, draw in PICTURES.items():
        image, d = canvas()
        draw(d)
        image.save(HERE / f"{key}.png", optimize=True)


if __name__ == "__main__":
    main()
