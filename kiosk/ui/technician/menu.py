"""The technician menu, behind the PIN: set up each device and link, the doctor, leave.

Each set-up tile shows the setting in force beneath its name. When the site file has
been edited into something that does not load, the menu says so first, with the file's
error line, and offers to put back the last configuration the kiosk accepted.
"""

from __future__ import annotations

from typing import Any

from kiosk.ui.technician.base import TechnicianScreen, in_background
from kiosk.ui.technician.navigation import open_setup
from kiosk.ui.technician.widgets import MenuTile


class TechMenuScreen(TechnicianScreen):
    """设置 (one tile per set-up step), 体检, 回到首页, 退出程序."""

    kv_name = "tech_menu"

    def refresh(self) -> None:
        """One tile per set-up step, with the setting in force (read off the UI thread)."""
        steps = self.app.front_end.setup_steps()
        in_background(
            lambda: [(step, step.in_force()) for step in steps.values()],
            self._show,
            self.app.show_problem,
            "tech-menu",
        )

    def _show(self, steps: list[tuple[Any, str]]) -> None:
        grid = self.ids.steps
        grid.clear_widgets()
        for step, in_force in steps:
            tile = MenuTile(
                title=self.app.t(step.title_key),
                setting=in_force or self.app.t("setup.not_set"),
            )
            tile.step_name = step.name
            tile.bind(on_release=lambda _tile, s=step: open_setup(self.app, s))
            grid.add_widget(tile)

    def restore_last_good(self) -> None:
        """Put the last configuration the kiosk accepted back into the site file."""
        from kiosk.core.upkeep.site_watch import restore_last_good

        in_background(
            lambda: restore_last_good(self.app.front_end.config.source),
            self._restored,
            lambda _exc: self.app.show_message("tech.config.restore_failed"),
            "tech-restore",
        )

    def _restored(self, _config: Any) -> None:
        from kiosk.core.upkeep.site_file import SiteFile

        self.app.site_reload.poll()
        kept = SiteFile(self.app.front_end.config.source).previous_path.name
        self.app.show_message("tech.config.restored", role="success", name=kept)
