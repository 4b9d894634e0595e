"""An agent's application through the shared application flow (channel ``agent``, the
applicant chosen by the agent): its steps, no printing, and a draft or a correction taken up
again with ``resume``."""

from __future__ import annotations

from kiosk.core.flows import (
    AuthorizationStep,
    ChooseApplicantStep,
    FieldErrors,
    FieldStep,
    MaterialsStep,
    ReceiptStep,
    ReviewStep,
)
from kiosk.demo.pictures import document_photo
from tests.agent_fixtures import TWO_PHOTOS_ITEM, tablet  # noqa: F401
from tests.cases_fixtures import id_number

STROKES = [[(0.1, 0.2), (0.4, 0.8), (0.7, 0.3)]]


def _start(desk):
    person = desk.villagers.add_keyed(id_number(), "张桂英", phone="13908171234")
    flow = desk.application()
    assert isinstance(flow.choose_item_code(desk, TWO_PHOTOS_ITEM), ChooseApplicantStep)
    step = flow.choose_applicant(desk, person.as_applicant())
    return flow, step


def test_an_agents_application_runs_the_shared_flow(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    flow, step = _start(desk)
    assert isinstance(step, FieldStep) and step.field.name == "phone"
    assert isinstance(flow.enter(desk, "phone", "123"), FieldErrors)
    step = flow.enter(desk, "phone", "13908171234")
    step = flow.enter(desk, "address", "翠屏区李庄镇高石村3组")
    step = flow.enter(desk, "grade", step.options[0])
    assert isinstance(step, MaterialsStep) and [m.code for m in step.materials] == ["M01", "M02"]
    (case_id,) = flow.case_ids.values()
    photo = document_photo("hukou", (800, 600))
    for code in ("M01", "M02"):
        desk.attach_photo(case_id, code, photo)
    step = flow.materials_done(desk, ["M01", "M02"])
    assert isinstance(step, AuthorizationStep)
    consent = desk.signature(case_id, STROKES)
    review = flow.authorize(desk, "signature", consent.attachment_id)
    assert isinstance(review, ReviewStep) and review.applicant_name == "张桂英"
    done = flow.submit(desk)
    assert isinstance(done, ReceiptStep) and done.prints == ()  # a tablet prints nothing
    (line,) = desk.lists.unsent()
    assert line.case_id == case_id and desk.cases.case(case_id).channel == "agent"


def test_a_half_done_draft_and_a_correction_are_taken_up_again(tablet):  # noqa: F811
    desk = tablet.log_in("A-0001", "135790")
    flow, _step = _start(desk)
    flow.enter(desk, "phone", "13908171234")
    (case_id,) = flow.case_ids.values()
    # The tablet restarts: a new flow takes the draft up at its first empty required field.
    again = desk.application()
    step = again.resume(desk, case_id)
    assert isinstance(step, FieldStep) and step.field.name == "address"
    step = again.enter(desk, "address", "翠屏区李庄镇高石村3组")
    assert isinstance(again.enter(desk, "grade", step.options[0]), MaterialsStep)
    photo = document_photo("bank", (800, 600))
    for code in ("M01", "M02"):
        desk.attach_photo(case_id, code, photo)
    assert isinstance(again.materials_done(desk, ["M01", "M02"]), AuthorizationStep)
    again.authorize(desk, "signature", desk.signature(case_id, STROKES).attachment_id)
    again.submit(desk)
    # The platform asks for a correction: the next revision goes straight to the materials,
    # the authorisation given once stands.
    with tablet.services.store.transaction() as conn:
        conn.execute(
            "UPDATE case_record SET status = 'needs_correction' WHERE case_id = ?", (case_id,)
        )
    desk.start_correction(case_id)
    fix = desk.application()
    step = fix.resume(desk, case_id)
    assert isinstance(step, MaterialsStep)
    desk.attach_photo(case_id, "M02", photo)
    assert isinstance(fix.materials_done(desk, ["M01", "M02"]), ReviewStep)
    fix.submit(desk)
    assert desk.cases.case(case_id).summary.revision == 2
