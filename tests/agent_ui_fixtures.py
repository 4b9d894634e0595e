"""Fixtures of the agent tablet's UI tests: the real Kivy window (offscreen), sized as a
tablet, the agent app on a simulated card reader and camera.

Kivy is set up once per process by ``tests.ui_fixtures`` (the kiosk's window, 960x540 at a
density of 0.5); a tablet test resizes it to 640x400 (1280x800 design pixels at the same
density) or 400x640 (portrait), and puts it back afterwards.
"""

from __future__ import annotations

import pytest

import tests.ui_fixtures  # noqa: F401  (Kivy set up first, once)
from kiosk.agent.app import AgentApp
from kiosk.app import assemble_agent, build_agent
from kiosk.config import load_config
from kiosk.core.appliers import appliers
from kiosk.demo.driver import KioskDriver
from tests.agent_fixtures import AGENT_SITE, account
from tests.conftest import write_site
from tests.ui_fixtures import TEST_WINDOW

LANDSCAPE = (640, 400)
PORTRAIT = (400, 640)
TABLET_SITE = AGENT_SITE + '\n[devices.idcard]\nport = "sim"\npoll_interval_s = 0.05\n'


def open_tablet(tmp_path, clock, extra: str = "", accounts=None, size=LANDSCAPE) -> KioskDriver:
    """The agent app on a fresh tablet (accounts as the feed brings them), driven by touch."""
    from kivy.core.window import Window

    config = load_config(write_site(tmp_path, TABLET_SITE + extra))
    services = build_agent(config, clock, background=False)
    with services.store.transaction() as conn:
        for change in accounts or [
            account("A-0001", "李代办", "135790"),
            account("A-0002", "罗代办", "246801"),
        ]:
            appliers(services.vault)["agent_account"](conn, change)
    services.close()
    Window.size = size
    driver = KioskDriver(AgentApp(assemble_agent(config, clock, background=False)))
    driver.start()
    return driver


@pytest.fixture(name="tablet_ui")
def tablet_ui_fixture(tmp_path, clock):

    driver = open_tablet(tmp_path, clock)
    yield driver
    close_tablet(driver)


def close_tablet(driver: KioskDriver) -> None:
    """Stop the app and give the window back to the kiosk's tests as they found it."""
    from kivy.core.window import Window

    driver.stop()
    driver.pump(3)
    Window.size = TEST_WINDOW
    driver.pump(1)


def log_in(driver: KioskDriver, agent_id: str = "A-0001", pin: str = "135790") -> None:
    """Type the agent id and the PIN on the pad; wait for the work lists."""
    driver.wait_until(lambda: driver.app.current == "login")
    driver.find(id="agent_input").text = agent_id
    for digit in pin:
        driver.tap(digit)
    if len(pin) != 6:  # six digits log in by themselves; a shorter PIN needs 登录
        driver.tap(id="submit")
    driver.wait_until(lambda: driver.app.current == "home", what="the work lists")
