"""The signature pad: the villager signs with a finger; strokes are kept in pad coordinates
(0 to 1 across, y upwards) and become a PNG (black ink on white) in the core."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Line
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty
from kivy.uix.widget import Widget


class SignaturePad(Widget):
    """A white area that records strokes; :meth:`clear` wipes it (清除)."""

    strokes = ListProperty()
    signed = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lines: list[Line] = []
        self.bind(size=self._redraw, pos=self._redraw)

    def on_touch_down(self, touch: Any) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self.strokes.append([self._norm(touch.pos)])
        self._redraw()
        return True

    def on_touch_move(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        x, y = self._norm(touch.pos)
        self.strokes[-1].append((min(1.0, max(0.0, x)), min(1.0, max(0.0, y))))
        self._redraw()
        return True

    def on_touch_up(self, touch: Any) -> bool:
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        self.signed = sum(len(s) for s in self.strokes) >= 3
        return True

    def _norm(self, pos: tuple[float, float]) -> tuple[float, float]:
        return ((pos[0] - self.x) / max(1, self.width), (pos[1] - self.y) / max(1, self.height))

    def draw(self, strokes: list[list[tuple[float, float]]]) -> None:
        """Put ``strokes`` on the pad (the tour and tests sign this way)."""
        self.strokes = [list(s) for s in strokes]
        self.signed = sum(len(s) for s in self.strokes) >= 3
        self._redraw()

    def clear(self) -> None:
        """清除."""
        self.strokes = []
        self.signed = False
        self._redraw()

    def _redraw(self, *_args: Any) -> None:
        self.canvas.after.clear()
        with self.canvas.after:
            Color(0, 0, 0, 1)
            for stroke in self.strokes:
                points = [
                    c
                    for x, y in stroke
                    for c in (self.x + x * self.width, self.y + y * self.height)
                ]
                if len(points) == 2:
                    points += points
                Line(points=points, width=dp(2.5), joint="round", cap="round")
