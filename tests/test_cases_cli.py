"""Cases and the catalogue from a shell, as staff and technicians use them."""

from __future__ import annotations

import json
import re
from io import BytesIO

from click.testing import Result
from PIL import Image

from kiosk.app import build_app
from kiosk.config import load_config
from tests.conftest import bianmin


def run(site_file, *args: str) -> Result:
    return bianmin(*args, site_file=site_file)


def test_demo_seed_then_list_and_show_masked_unless_revealed(site_file):
    seeded = run(
        site_file, "demo", "seed", "--cases", "6", "--attachments", "2", "--attachment-kb", "20"
    )
    assert seeded.exit_code == 0, seeded.stderr
    assert "created 6 submitted cases" in seeded.stdout

    masked = json.loads(run(site_file, "case", "list", "--json").stdout)
    assert len(masked) == 6 and {c["state"] for c in masked} == {"submitted"}
    assert all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", c["id_number"]) for c in masked)
    assert all(c["applicant_name"][1:] == "*" * (len(c["applicant_name"]) - 1) for c in masked)
    revealed = json.loads(run(site_file, "case", "list", "--json", "--reveal").stdout)
    numbers = [c["id_number"] for c in revealed]
    assert all(re.fullmatch(r"\d{17}[\dX]", n) for n in numbers)
    text = run(site_file, "case", "list").stdout
    assert not any(n in text for n in numbers)

    case_id = revealed[0]["case_id"]
    shown = json.loads(run(site_file, "case", "show", case_id, "--json").stdout)
    assert shown["applicant"]["id_number"] != numbers[0] and shown["delivery"] == "pending"
    assert set(shown["form"].values()) <= {"***"}
    mine = json.loads(run(site_file, "case", "list", "--id-number", numbers[0], "--json").stdout)
    assert [c["case_id"] for c in mine] == [case_id]

    app = build_app(load_config(site_file))
    try:
        counts = app.outbox.counts()
        # the 6 cases, and the audit entry of the --reveal above
        assert counts["pending"] == 6 + 1 and counts["pending_attachments"] == 2
        for summary in app.cases.list_cases():
            for attachment in app.cases.case(summary.case_id).attachments:
                data = app.cases.read_attachment(attachment.attachment_id)
                assert len(data) == 20 * 1024
                assert Image.open(BytesIO(data)).format == "JPEG"
    finally:
        app.close()


def test_catalogue_search_and_show(site_file):
    found = json.loads(run(site_file, "catalogue", "search", "ylbx", "--json").stdout)
    assert "511500-0101-01" in [h["code"] for h in found]
    assert {"code", "name", "theme", "department", "is_bundle", "match"} <= set(found[0])
    guide = run(site_file, "catalogue", "show", "511500-9001-01")
    assert guide.exit_code == 0 and "新生儿出生一件事" in guide.stdout
    assert guide.stdout.count("材料: 居民身份证") == 1
    item = json.loads(run(site_file, "catalogue", "show", "511500-0101-01", "--json").stdout)
    assert item["code"] == "511500-0101-01" and item["version"] == 3


def test_errors_name_the_cause_in_one_line(site_file):
    missing = run(site_file, "catalogue", "show", "511500-9999-99")
    assert missing.exit_code == 1 and "511500-9999-99" in missing.stderr
    assert "Traceback" not in missing.stderr
    unknown = run(site_file, "case", "show", "no-such-case")
    assert unknown.exit_code == 1 and "no-such-case" in unknown.stderr
    usage = run(site_file, "demo", "seed", "--cases", "2", "--attachments", "3")
    assert usage.exit_code == 2 and "--attachments" in usage.stderr
