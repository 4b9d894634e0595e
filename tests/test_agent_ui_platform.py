"""The agent's tablet against the reference platform, by touch: accounts synced at the login,
an application synced with channel ``agent`` and the signed authorisation, its status back,
a correction round trip to revision 2, every record stored once, nothing personal in clear."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.core.catalogue import seed_dir
from kiosk.demo.platform import AGENT_ID, AGENT_PIN, running_platform
from tests.agent_ui_fixtures import close_tablet, log_in, open_tablet
from tests.clocks import ManualClock
from tests.test_agent_ui import _has_row, _row, apply_with_two_photos, close_notice

ITEM = "城乡居民基本养老保险参保登记"


def test_an_agents_day_with_the_platform(tmp_path):
    with running_platform(tmp_path / "platform", catalogue=seed_dir()) as platform:
        (tmp_path / "tablet").mkdir()
        driver = open_tablet(
            tmp_path / "tablet", ManualClock(datetime.now(UTC)), platform.site_toml(), accounts=[]
        )
        try:
            driver.tap("同步账号")  # the platform's accounts come down
            close_notice(driver, "同步完成")
            log_in(driver, AGENT_ID, AGENT_PIN)
            driver.tap("村民")
            driver.wait_until(lambda: driver.app.current == "villagers")
            card = driver.app.front_end.devices.reader.simulator.place(0)
            driver.wait_until(lambda: driver.app.current == "villager" and driver.shows(card.name))
            driver.app.front_end.devices.reader.simulator.remove()
            driver.app.home()
            apply_with_two_photos(driver, card.name)
            driver.wait_until(lambda: driver.shows("未发送 1"))

            driver.tap(id="sync")
            close_notice(driver, "发出1件")
            driver.wait_until(lambda: driver.shows("未发送 0"))
            (stored,) = platform.service.stored_records("case")
            body = stored["body"]
            assert body["channel"] == "agent" and body["agent"]["agent_id"] == AGENT_ID
            consent = body["agent"]["authorization"]
            assert consent["method"] == "signature"
            assert platform.service.attachment_data(consent["attachment_id"]).startswith(b"\x89PNG")
            assert platform.service.counts()["uploads_complete"] == 3

            case_no = platform.service.case(stored["id"])["case_no"]
            platform.service.set_case_status(
                case_no, "needs_correction", reason="户口簿照片不清楚，请重拍"
            )
            driver.tap(id="sync")
            close_notice(driver, "同步完成")
            driver.tap("已发送")
            driver.wait_until(lambda: _has_row(driver, ITEM) and _row(driver, ITEM).tag == "需补正")
            driver.tap(_row(driver, ITEM))
            driver.wait_until(
                lambda: driver.app.current == "case" and driver.shows("户口簿照片不清楚")
            )
            driver.tap(id="act")  # 补正
            driver.wait_until(lambda: driver.overlays())
            driver.tap("补正")
            driver.wait_until(lambda: driver.app.current == "materials" and driver.shows("已有1张"))
            shoot = [w for w in driver.visible_widgets() if getattr(w, "text", "") == "拍照"]
            driver.tap(shoot[-1])  # 户口簿 again
            driver.wait_until(lambda: driver.app.current == "camera")
            driver.wait_until(lambda: driver.find(id="finder").texture is not None)
            driver.tap(id="shoot")
            driver.wait_until(lambda: driver.app.current == "materials" and driver.shows("已有2张"))
            driver.tap(id="next")
            driver.wait_until(lambda: driver.app.current == "review" and driver.shows("第2版"))
            driver.tap(id="submit")
            close_notice(driver, "有信号时自动发送")
            driver.tap(id="sync")
            close_notice(driver, "发出1件")
            records = platform.service.stored_records("case")
            assert [r["revision"] for r in records] == [1, 2]
            assert platform.service.counts()["records_case"] == 2  # each revision once
            assert platform.service.case(stored["id"])["revision"] == 2

            raw = b"".join(
                p.read_bytes()
                for p in (tmp_path / "tablet").rglob("*")
                if p.is_file() and "kivy" not in p.parts
            )
            for secret in (card.id_number, card.name, card.address, "13908171234"):
                assert secret.encode() not in raw, secret
        finally:
            close_tablet(driver)
