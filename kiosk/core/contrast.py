"""Colour contrast as WCAG 2.x defines it, so every palette can be checked by a plain test."""

from __future__ import annotations

AA_NORMAL_TEXT = 4.5
AA_LARGE_TEXT = 3.0


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``"#1a2b3c"`` -> ``(26, 43, 60)``; ValueError for anything else."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not an #rrggbb colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
