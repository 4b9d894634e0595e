"""Demo data: every item of the seed catalogue can be applied for with synthetic people."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from devices.idcard.idnumber import is_valid_id_number
from kiosk.demo.cases import jpeg, seed_cases
from tests.cases_fixtures import kit  # noqa: F401


def test_seeded_cases_cover_the_catalogue_and_are_valid(kit):  # noqa: F811
    created = seed_cases(kit.cases, kit.catalogue, 150, attachments=4, attachment_kib=6)
    assert len(created) == 150 and kit.cases.counts() == {"draft": 0, "submitted": 150}
    cases = [kit.cases.case(case_id) for case_id in created]
    single_items = {h.code for t in kit.catalogue.themes() for h in kit.catalogue.in_theme(t.name)}
    single_items -= {h.code for h in kit.catalogue.in_theme("一件事一次办")}
    assert len({c.item_code for c in cases}) > 0.8 * len(single_items)
    for case in cases:
        assert is_valid_id_number(case.applicant["id_number"])
        assert case.applicant["id_number"].startswith("511")
        assert 2 <= len(case.applicant["name"]) <= 3
    with_files = [c for c in cases if c.attachments]
    assert len(with_files) == 4
    data = kit.cases.read_attachment(with_files[0].attachments[0].attachment_id)
    assert len(data) == 6 * 1024 and Image.open(BytesIO(data)).format == "JPEG"
    assert kit.outbox.counts()["pending"] == 150


def test_jpegs_have_the_asked_size_and_decode():
    import random

    for kib in (1, 3, 50, 130):
        data = jpeg(kib, random.Random(kib))
        image = Image.open(BytesIO(data))
        image.load()
        assert len(data) == kib * 1024 and image.format == "JPEG"
