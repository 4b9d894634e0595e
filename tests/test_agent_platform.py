"""An agent's application from the tablet to the reference platform and back: channel
``agent``, the signed authorisation attached, two photographed materials, the status coming
back, a correction as revision 2; the agent's records wait while they are logged out; every
record stored once; no personal data in clear anywhere in the data directory."""

from __future__ import annotations

from datetime import UTC, datetime

from devices.camera import SimulatedCamera
from devices.idcard import load_cards
from kiosk.app import sample_cards
from kiosk.core.agents import ReminderKind, Worklist
from kiosk.core.catalogue import seed_dir
from kiosk.demo.platform import AGENT_ID, AGENT_PIN, running_platform
from kiosk.resources import data_path
from offline_sync.outbox import Outbox
from tests.agent_fixtures import TWO_PHOTOS_ITEM, make_tablet
from tests.clocks import ManualClock

SIGNATURE = [[(0.1, 0.5), (0.2, 0.7), (0.3, 0.4), (0.45, 0.6)], [(0.5, 0.3), (0.8, 0.6)]]


def test_an_agents_application_round_trip_with_a_correction(tmp_path):
    with running_platform(tmp_path / "platform", catalogue=seed_dir()) as platform:
        (tmp_path / "tablet").mkdir()
        clock = ManualClock(datetime.now(UTC))
        tablet = make_tablet(tmp_path / "tablet", clock, extra=platform.site_toml())
        services = tablet.services
        engine = services.sync.engine(services.store)
        try:
            assert engine.run_once(30, wait=False).complete  # the platform's agent comes down
            desk = tablet.log_in(AGENT_ID, AGENT_PIN)
            card = load_cards(sample_cards())[0]
            villager = desk.villagers.add_from_card(card, phone="13908171234")
            case_id = desk.cases.new_draft(
                TWO_PHOTOS_ITEM,
                villager.applicant(),
                channel="agent",
                agent=desk.session.ref,
                form={"phone": "13908171234", "address": card.address, "grade": "300元"},
            )
            camera = SimulatedCamera.from_folder(data_path("assets") / "sim" / "camera", clock.now)
            camera.start()
            for code in ("M01", "M02"):
                still = camera.capture()
                desk.attach_photo(case_id, code, still.data, still.captured_at)
            desk.authorize(case_id, "signature", strokes=SIGNATURE)
            desk.cases.submit(case_id)
            assert [line.case_id for line in desk.lists.unsent()] == [case_id]
            assert desk.lists.counts()[Worklist.UNSENT] == 1
            assert desk.lists.backlog().records == 1 and desk.lists.backlog().bytes > 100_000

            # Logged out, the agent's record waits sealed: not sent, not a dead letter.
            tablet.login.log_out(desk.session)
            engine.run_once(30, wait=False)
            counts = Outbox(services.store, services.vault).counts()
            assert counts["pending"] == 1 and counts["dead"] == 0
            assert platform.service.counts().get("records_case", 0) == 0

            desk = tablet.log_in(AGENT_ID, AGENT_PIN)
            assert engine.run_once(30, wait=False).complete
            (line,) = desk.lists.sent()
            assert line.case_no and desk.lists.backlog().records == 0
            (stored,) = platform.service.stored_records("case")
            body = stored["body"]
            assert body["channel"] == "agent" and body["agent"]["agent_id"] == AGENT_ID
            consent = body["agent"]["authorization"]
            assert consent["method"] == "signature"
            attached = {a["id"]: a for a in body["attachments"]}
            assert attached[consent["attachment_id"]]["media_type"] == "image/png"
            assert sorted(str(a["material_code"]) for a in attached.values()) == [
                "M01",
                "M02",
                "None",
            ]
            png = platform.service.attachment_data(consent["attachment_id"])
            assert png.startswith(b"\x89PNG")

            # The platform asks for a correction; it comes back flagged with the reason.
            platform.service.set_case_status(
                line.case_no, "needs_correction", reason="户口簿照片不清楚，请重拍"
            )
            assert engine.run_once(30, wait=False).complete
            (flagged,) = desk.lists.sent()
            assert flagged.needs_correction and flagged.reason == "户口簿照片不清楚，请重拍"
            assert desk.reminders()[0].kind is ReminderKind.CORRECTION

            desk.start_correction(case_id)
            (draft,) = desk.lists.drafts()
            assert draft.is_correction and draft.revision == 1
            still = camera.capture()
            desk.attach_photo(case_id, "M02", still.data, still.captured_at)
            desk.cases.submit(case_id)
            assert engine.run_once(30, wait=False).complete
            records = platform.service.stored_records("case")
            assert [(r["id"], r["revision"]) for r in records] == [(case_id, 1), (case_id, 2)]
            assert platform.service.case(case_id)["revision"] == 2
            assert platform.service.counts()["records_case"] == 2  # each revision stored once
            assert desk.lists.sent()[0].revision == 2

            # Nothing personal in clear on the tablet: store, WAL, attachments.
            raw = b"".join(p.read_bytes() for p in tablet.data_dir.rglob("*") if p.is_file())
            for secret in (card.id_number, card.name, "13908171234", card.address):
                assert secret.encode() not in raw, secret
        finally:
            engine.close()
            services.close()
