"""Drive the real kiosk window by touch, frame by frame: for UI tests and the tour.

Taps are real touch events posted to Kivy's event loop at a widget's centre in window
coordinates, so they go through the Window, overlays and hit-testing like a finger's.
Screenshots are read from the frame buffer in the window's ``on_flip``, after the frame
is drawn and before it is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kivy.app import App
from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
from kivy.input.motionevent import MotionEvent
from kivy.uix.widget import Widget
from PIL import Image


class _Finger(MotionEvent):
    """One touch at a window position."""

    def __init__(self, x: float, y: float) -> None:
        super().__init__(
            "kiosk-driver",
            id(self),
            {"x": x / (Window.width - 1.0), "y": y / (Window.height - 1.0)},
            is_touch=True,
            type_id="touch",
        )
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx = args["x"]
        self.sy = args["y"]
        super().depack(args)


class DriverTimeout(AssertionError):
    """What the driver waited for did not happen in time."""


class TapSwallowed(AssertionError):
    """A tap never reached the widget it was meant for (a villager's finger would not)."""


class KioskDriver:
    """Starts a built app in the current window and drives it like a villager would."""

    def __init__(self, app: App, *, check_fit: bool = False) -> None:
        self.app = app
        # With ``check_fit``, every screen touched is checked for texts that do not fit
        # (kiosk.demo.fit) before the touch; what was found is kept in ``misfits``.
        self.check_fit = check_fit
        self.misfits: list[str] = []

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Build the app into the window (as ``App.run`` does, without its endless loop)."""
        EventLoop.ensure_window()
        self.app._run_prepare()
        self.pump(2)

    def stop(self) -> None:
        """Tear the app down, leaving the window for the next app of this process."""
        for view in [w for w in Window.children if w is not self.app.root]:
            Window.remove_widget(view)
        self.app.dispatch("on_stop")
        if self.app.root is not None:
            Window.remove_widget(self.app.root)
        App._running_app = None

    # -- frames ------------------------------------------------------------------------------

    def pump(self, frames: int = 1) -> None:
        """Let Kivy run ``frames`` frames (clock events, layout, drawing)."""
        for _ in range(frames):
            EventLoop.idle()

    def wait_until(
        self, condition: Callable[[], object], timeout: float = 10.0, what: str = ""
    ) -> None:
        """Pump frames until ``condition()`` holds; DriverTimeout after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise DriverTimeout(f"waited {timeout} s for {what or condition}")
            EventLoop.idle()

    # -- finding -----------------------------------------------------------------------------

    @property
    def screen(self):
        """The screen on show."""
        return self.app.root.current_screen

    def overlays(self) -> list[Widget]:
        """Views open over the screens, top-most first."""
        return [w for w in Window.children if w is not self.app.root]

    def _walk(self, widget: Widget) -> Iterator[Widget]:
        yield widget
        for child in widget.children:
            yield from self._walk(child)

    def visible_widgets(self) -> Iterator[Widget]:
        """Every widget that could take a touch now: the top overlay's, else the screen's."""
        top = self.overlays()
        yield from self._walk(top[0] if top else self.screen)

    def find(self, text: str | None = None, *, id: str | None = None) -> Widget:
        """The widget with this kv ``id`` on the screen, or whose text contains ``text``."""
        if id is not None:
            for root in [*self.overlays(), self.screen]:
                for widget in self._walk(root):
                    if id in getattr(widget, "ids", {}):
                        return widget.ids[id]
            raise LookupError(f"no widget with id {id!r} on {self.screen.name}")
        for widget in self.visible_widgets():
            shown = getattr(widget, "text", "") or ""
            if text and text in shown and hasattr(widget, "on_press"):
                return widget
        raise LookupError(f"no button with text {text!r} on {self.screen.name}")

    def keys(self, pad_id: str) -> dict[str, Widget]:
        """The keys of the keypad with this kv id (or inside the box with it), by value."""
        return {
            key.value: key
            for key in self.find(id=pad_id).walk()
            if getattr(key, "value", None) and hasattr(key, "on_press")
        }

    def texts(self) -> list[str]:
        """Every text shown now (top overlay, else screen): what a villager can read."""
        return [w.text for w in self.visible_widgets() if getattr(w, "text", "")]

    def shows(self, fragment: str) -> bool:
        """True when some visible text contains ``fragment``."""
        return any(fragment in text for text in self.texts())

    # -- touching ----------------------------------------------------------------------------

    def tap(self, target: Widget | str | None = None, *, id: str | None = None) -> None:
        """Touch down and up at the centre of a widget (or the button showing ``target``)."""
        self.pump(1)  # lay out a screen that has just been switched to
        widget = target if isinstance(target, Widget) else self.find(target, id=id)
        centre = self._settled_centre(widget)
        if self.check_fit:
            self.note_misfits()
        reached: list[object] = []

        def touched(w: Widget, touch: MotionEvent) -> None:
            if w.collide_point(*touch.pos):
                reached.append(touch)

        widget.fbind("on_touch_down", touched)
        try:
            self.tap_at(*centre)
        finally:
            widget.funbind("on_touch_down", touched)
        if not reached:
            raise TapSwallowed(
                f"a finger on {target if isinstance(target, str) else id or widget!r} at"
                f" {centre[0]:.0f},{centre[1]:.0f} never reached it: something over it took"
                f" the touch ({self.screen.name})"
            )

    def note_misfits(self) -> list[str]:
        """Check the view on show (top overlay, else the screen) for texts that do not fit
        their box; new findings are added to ``misfits`` and returned."""
        from kiosk.demo.fit import misfits

        self.pump(2)  # a view just opened is laid out, as a villager would see it
        top = self.overlays()
        view = top[0] if top else self.screen
        where = getattr(view, "name", "") or type(view).__name__
        large = " (large text)" if getattr(self.app, "large", False) else ""
        new = [f"{where}{large}: {problem}" for problem in misfits(view)]
        new = [problem for problem in new if problem not in self.misfits]
        self.misfits.extend(new)
        return new

    def _settled_centre(self, widget: Widget) -> tuple[float, float]:
        """The widget's centre in the window once layouts stop moving it (a few frames)."""
        seen: list[tuple] = []
        for _ in range(30):
            seen.append((tuple(widget.to_window(*widget.center)), tuple(widget.size)))
            if len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]:
                break
            self.pump(1)
        return seen[-1][0]

    def stroke(self, widget: Widget, points: list[tuple[float, float]]) -> None:
        """Draw with a finger across ``widget``: down at the first point, moving through the
        rest, up at the last (points from 0 to 1 across the widget, y upwards)."""
        self.pump(1)
        finger: _Finger | None = None
        for i, (u, v) in enumerate(points):
            x, y = widget.to_window(widget.x + u * widget.width, widget.y + v * widget.height)
            if finger is None:
                finger = _Finger(x, y)
                EventLoop.post_dispatch_input("begin", finger)
            else:
                finger.move({"x": x / (Window.width - 1.0), "y": y / (Window.height - 1.0)})
                EventLoop.post_dispatch_input("update", finger)
            if i % 4 == 3:
                self.pump(1)
        if finger is not None:
            EventLoop.post_dispatch_input("end", finger)
        self.pump(2)

    def tap_at(self, x: float, y: float) -> None:
        """Touch down and up at window position (x, y)."""
        finger = _Finger(x, y)
        EventLoop.post_dispatch_input("begin", finger)
        EventLoop.post_dispatch_input("end", finger)
        self.pump(2)

    # -- pictures ----------------------------------------------------------------------------

    def screenshot(self, path: Path) -> Path:
        """Draw a frame and save it as PNG at ``path``."""
        frames: list[bytes] = []

        def grab(*_args: object) -> None:
            width, height = Window.size
            frames.append(glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE))

        self.pump(4)  # let layouts settle and label textures redraw
        Window.bind(on_flip=grab)
        try:
            Window.canvas.ask_update()
            self.wait_until(lambda: frames, what="a drawn frame")
        finally:
            Window.unbind(on_flip=grab)
        image = Image.frombytes("RGBA", Window.size, frames[-1]).transpose(Image.FLIP_TOP_BOTTOM)
        path.parent.mkdir(parents=True, exist_ok=True)
        image.convert("RGB").save(path)
        return path
