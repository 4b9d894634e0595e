"""Does every text fit its box? The check the tour runs on each picture and the UI tests
run on every screen they visit.

A text is measured as it would be laid out with room to grow (its box's width, no limit
of height), then compared with the room it has: its box (less the padding), and every
box around it on the screen. It is a misfit when it is cut (wider or taller than its
box, or shortened with "…"), when what is drawn spills out of a box around it (a column
squeezed by its neighbours), or when a word or short phrase is split over two lines.
"""

from __future__ import annotations

from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.core.line_breaks import SHORT_PIECE, pieces

SLACK = 2  # pixels of rounding allowed


def misfits(root: Widget) -> list[str]:
    """Every text under ``root`` that shows and does not fit, with what is wrong."""
    found = []
    for widget in root.walk(restrict=True):
        if not isinstance(widget, Label) or not widget.text.strip():
            continue
        if not _showing(widget, root):
            continue
        problem = misfit(widget, root)
        if problem:
            found.append(f"{_shown_text(widget)!r}: {problem}")
    return found


def misfit(label: Label, root: Widget | None = None) -> str:
    """What is wrong with how ``label``'s text fits (empty: nothing)."""
    if label.shorten or label.is_shortened:
        return "cut short with …"
    if getattr(label, "splits_a_word", False):
        return "a word or short phrase is split over two lines (its box is too small)"
    room_w, room_h = _room(label)
    need_w, need_h, lines = _natural(label)
    if need_w > room_w + SLACK or need_h > room_h + SLACK:
        return f"text {need_w:.0f}x{need_h:.0f} cut by its box {room_w:.0f}x{room_h:.0f}"
    split = _split_word(label.text, lines)
    if split:
        return f"a line breaks inside {split!r}"
    if root is not None:
        outside = _spills(label, root)
        if outside:
            return outside
    return ""


def _shown_text(label: Label) -> str:
    return " ".join(label.text.split())[:24]


def _showing(widget: Widget, root: Widget) -> bool:
    while widget is not None:
        if widget.opacity == 0 or widget.width < 2 or widget.height < 2:
            return False
        if widget is root:
            return True
        widget = widget.parent
    return True


def _room(label: Label) -> tuple[float, float]:
    """The room the text has: its ``text_size`` where given, else the widget (less padding)."""
    pad_l, pad_t, pad_r, pad_b = label.padding
    width, height = label.text_size
    return (
        (label.width - pad_l - pad_r) if width is None else width,
        (label.height - pad_t - pad_b) if height is None else height,
    )


def _natural(label: Label) -> tuple[float, float, list]:
    """The size of the text laid out in its box's width with no limit of height, and its
    lines (as the label's core laid them out)."""
    core = label._label
    options = dict(core.options)
    options.pop("text", None)
    probe = core.__class__(text=core.text, **options)
    probe.usersize = (label.text_size[0], None)
    probe.render()
    pad_l, pad_t, pad_r, pad_b = label.padding
    width, height = probe._internal_size
    return width - pad_l - pad_r, height - pad_t - pad_b, list(probe._cached_lines)


def _split_word(text: str, lines: list) -> str:
    """A word or short phrase Kivy's own wrap split (the line-breaking labels never let it
    happen: they report ``splits_a_word`` instead)."""
    if "[" in text:
        return ""  # markup: the lines hold runs of tags, not the text
    drawn = ["".join(word.text for word in line.words) for line in lines]
    for before, line, after in zip(drawn, lines[1:], drawn[1:], strict=False):
        if not line.line_wrap or not before or not after:
            continue
        if f"{before[-1]} {after[0]}" in text:
            continue  # Kivy broke at a space
        at = len(before)
        joined = before + after
        start = 0
        for piece in pieces(joined):
            if start < at < start + len(piece) and len(piece.strip()) <= SHORT_PIECE:
                return piece.strip()
            start += len(piece)
    return ""


def _spills(label: Label, root: Widget) -> str:
    """The drawn text's rectangle must lie inside every box around the label up to ``root``."""
    tw, th = label.texture_size
    cx, cy = label.to_window(*label.center)
    left, bottom, right, top = cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2
    box = label.parent
    while box is not None:
        bx, by = box.to_window(*box.pos)
        if (
            left < bx - SLACK
            or bottom < by - SLACK
            or right > bx + box.width + SLACK
            or top > by + box.height + SLACK
        ):
            return f"drawn {tw:.0f}x{th:.0f} spills out of a {box.width:.0f}x{box.height:.0f} {type(box).__name__}"
        if box is root:
            break
        box = box.parent
    return ""
