"""The kiosk's two looks: a normal palette and 大字模式 (large text, high contrast).

Plain data, no Kivy: tests check every text/background pair against WCAG AA with
:func:`kiosk.core.contrast.contrast_ratio`, and the touch-target size against the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# 21.5-inch 16:9 panel at 1920x1080 is 476 x 268 mm, about 4 px/mm. The product target is
# 20 mm touch targets measured generously: every touch target is at least 170 px square.
MIN_TOUCH_PX = 170


@dataclass(frozen=True)
class Palette:
    """Colours as #rrggbb; each ``on_x`` is the text colour drawn on ``x``."""

    background: str
    on_background: str
    muted: str
    surface: str
    on_surface: str
    primary: str
    on_primary: str
    secondary: str
    on_secondary: str
    danger: str
    on_danger: str
    success: str
    on_success: str
    tiles: tuple[str, ...]
    on_tile: str
    border: str

    def text_pairs(self) -> list[tuple[str, str, str]]:
        """Every (name, text colour, background colour) pair the screens draw."""
        pairs = [
            ("background", self.on_background, self.background),
            ("muted", self.muted, self.background),
            ("muted on surface", self.muted, self.surface),
            ("surface", self.on_surface, self.surface),
            ("primary", self.on_primary, self.primary),
            ("secondary", self.on_secondary, self.secondary),
            ("danger", self.on_danger, self.danger),
            ("danger text", self.danger, self.surface),
            ("success", self.on_success, self.success),
        ]
        pairs += [(f"tile {i}", self.on_tile, tile) for i, tile in enumerate(self.tiles)]
        return pairs


NORMAL = Palette(
    background="#eef1f5",
    on_background="#14213d",
    muted="#4a5568",
    surface="#ffffff",
    on_surface="#14213d",
    primary="#0b57a4",
    on_primary="#ffffff",
    secondary="#dde4ee",
    on_secondary="#14213d",
    danger="#b3261e",
    on_danger="#ffffff",
    success="#1b6e3a",
    on_success="#ffffff",
    tiles=("#c0392b", "#0b57a4", "#1b6e3a", "#6a3d9a", "#a04000", "#00646b"),
    on_tile="#ffffff",
    border="#8a94a6",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    on_background="#ffffff",
    muted="#e6e6e6",
    surface="#1a1a1a",
    on_surface="#ffffff",
    primary="#ffd400",
    on_primary="#000000",
    secondary="#ffffff",
    on_secondary="#000000",
    danger="#ff8a80",
    on_danger="#000000",
    success="#7CFC9A",
    on_success="#000000",
    tiles=("#ffd400", "#ffffff", "#7cfc9a", "#80d8ff", "#ffab40", "#ea80fc"),
    on_tile="#000000",
    border="#ffffff",
)


@dataclass(frozen=True)
class TypeScale:
    """Font sizes in px for a 1080-px-high screen."""

    title: int
    body: int
    button: int
    small: int
    huge: int

    def scaled(self, factor: float) -> TypeScale:
        """Every size multiplied by ``factor`` (大字模式)."""
        return TypeScale(*(round(getattr(self, f.name) * factor) for f in fields(self)))


NORMAL_TYPE = TypeScale(title=60, body=40, button=52, small=32, huge=200)
LARGE_FACTOR = 1.3


@dataclass(frozen=True)
class Look:
    """A palette and a type scale: what the screens bind to."""

    palette: Palette
    type: TypeScale


def look(large: bool) -> Look:
    """The normal look, or 大字模式: high contrast and 1.3x text."""
    if large:
        return Look(HIGH_CONTRAST, NORMAL_TYPE.scaled(LARGE_FACTOR))
    return Look(NORMAL, NORMAL_TYPE)
