"""Cases to the reference platform and their progress back, through the real sync engine."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.core.agents import AgentDirectory
from kiosk.core.appliers import appliers
from kiosk.core.catalogue import seed_dir
from kiosk.demo.platform import AGENT_ID, running_platform
from kiosk.demo.sync_device import sync_settings
from offline_sync import sync
from offline_sync.clock import SystemClock
from tests.cases_fixtures import applicant, make_kit, tiny_jpeg

PENSION = "511500-0101-01"


def test_case_delivered_then_status_calendar_and_agents_come_back(tmp_path):
    with running_platform(tmp_path / "platform", catalogue=seed_dir()) as platform:
        kit = make_kit(tmp_path / "device", extra_migrations=[sync.migrations])
        kit.clock.set(datetime.now(UTC))
        engine = sync.SyncEngine(
            kit.store,
            kit.vault,
            kit.data_dir,
            lambda: platform.client(),
            SystemClock(),
            sync_settings(),
            appliers=appliers(kit.vault),
        )
        try:
            case_id = kit.cases.new_draft(PENSION, applicant(), form={
                "phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"})  # fmt: skip
            photo = tiny_jpeg(16)
            kit.cases.attach(case_id, "M01", photo, "image/jpeg")
            kit.cases.check_material(case_id, "M02")
            kit.cases.submit(case_id)
            kit.feedback.rate("case", case_id, 4)

            report = engine.run_once(30)
            assert report.complete, report
            assert kit.outbox.counts() == {
                "pending": 0,
                "delivered": 2,
                "dead": 0,
                "pending_attachments": 0,
            }
            case_no = kit.cases.case_no(case_id)
            assert case_no and kit.cases.case(case_id).delivery == "delivered"

            platform.service.set_case_status(case_no, "accepted")
            assert engine.run_once(30).complete
            case = kit.cases.case(case_id)
            assert case.status == "accepted" and case.case_no == case_no
            assert [e.status for e in case.timeline][0] == "submitted"
            assert [e.status for e in case.timeline][-1] == "accepted"
            assert kit.calendar.known(2026)
            assert AgentDirectory(kit.store, kit.vault).verify_pin(AGENT_ID, "1234")
            assert kit.catalogue.item(PENSION).version == 3
        finally:
            engine.close()
            kit.store.close()
