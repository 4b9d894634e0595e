"""选文件: choosing a picture or PDF already on the tablet (always possible, camera or not)."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

FILE_PATTERNS = ["*.jpg", "*.jpeg", "*.png", "*.JPG", "*.JPEG", "*.PNG", "*.pdf", "*.PDF"]


class AgentFilePicker(ModalView):
    """A file list of pictures and PDFs; 选择 dispatches ``on_chosen(path)``."""

    start = StringProperty("")
    __events__ = ("on_chosen",)

    def choose(self, selection: list[str]) -> None:
        """选择."""
        if selection:
            self.dismiss(animation=False)
            self.dispatch("on_chosen", selection[0])

    def on_chosen(self, path: Any) -> None:
        """Default: nothing."""
