"""A finished job as the paper would look: white paper, black dots, a mark where it was cut."""

from __future__ import annotations

from PIL import Image, ImageDraw

from devices.printer.virtual.job import Job

MARGIN = 16  # unprintable edge of the roll on each side, in dots


def paper_image(job: Job) -> Image.Image:
    """The job's lines stacked on a strip of paper; a dashed line shows the cut."""
    strips = [line.strip for line in job.lines if line.strip is not None]
    height = sum(s.height for s in strips) + 2 * MARGIN
    paper = Image.new("L", (job.paper.dots + 2 * MARGIN, height), 255)
    y = MARGIN
    for strip in strips:
        paper.paste(strip.convert("L"), (MARGIN, y))
        y += strip.height
    if job.cut:
        draw = ImageDraw.Draw(paper)
        dash = 8 if job.cut == "full" else 3
        for x in range(0, paper.width, dash * 2):
            draw.line((x, height - 1, x + dash, height - 1), fill=128, width=1)
    return paper
