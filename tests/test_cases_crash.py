"""Power cut mid-submit: a child process submitting cases is killed with SIGKILL, again and again."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
import time

from tests.cases_fixtures import make_kit
from tests.conftest import REPO, cli_env

ROUNDS = 15

CHILD = """
import sys
from pathlib import Path
from tests.cases_fixtures import applicant, id_number, make_kit, tiny_jpeg

kit = make_kit(Path(sys.argv[1]))
photo = tiny_jpeg(8)
print("ready", flush=True)
n = int(sys.argv[2]) * 1000
while True:
    n += 1
    if n % 4 == 0:
        app = kit.cases.start_bundle("511500-9001-01", applicant(id_number=id_number(seq=n % 997)),
            form={"phone": "13908171234", "child_name": "王小丫", "birth_date": "2026-11-01",
                  "child_gender": "女", "settle_with": "随母", "address": "翠屏区李庄镇高石村3组",
                  "insured_category": "新生儿", "bank": "农业银行"})
        merged = {m.name: m for m in app.bundle.materials}
        kit.cases.attach_to_bundle(app.bundle_id, merged["居民身份证"], photo, "image/jpeg")
        for m in app.bundle.materials:
            kit.cases.check_bundle_material(app.bundle_id, m)
        for case in kit.cases.submit_bundle(app.bundle_id):
            print("submitted", case.case_id, flush=True)
        continue
    case_id = kit.cases.new_draft("511500-0101-01", applicant(id_number=id_number(seq=n % 997)),
        form={"phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"})
    kit.cases.attach(case_id, "M01", photo, "image/jpeg")
    kit.cases.attach(case_id, "M02", photo, "image/jpeg")
    kit.cases.submit(case_id)
    print("submitted", case_id, flush=True)
"""


def test_sigkill_mid_submit_never_splits_a_case_from_its_record_or_a_row_from_its_file(tmp_path):
    data_dir = tmp_path / "data"
    rng = random.Random(20261123)
    acknowledged: set[str] = set()
    for round_no in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(data_dir), str(round_no)],
            cwd=REPO,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        time.sleep(rng.uniform(0.02, 0.35))
        child.kill()
        out, err = child.communicate()
        assert child.returncode == -9, err
        acknowledged |= {
            line.split()[1] for line in out.splitlines() if line.startswith("submitted")
        }

    kit = make_kit(data_dir)
    try:
        conn = kit.store.conn
        assert kit.store.integrity_check() == ["ok"]
        submitted = {
            r["case_id"]: r["revision"]
            for r in conn.execute(
                "SELECT case_id, revision FROM case_record WHERE state = 'submitted'"
            )
        }
        records = {
            (r["record_id"], r["revision"])
            for r in conn.execute("SELECT record_id, revision FROM outbox WHERE kind = 'case'")
        }
        assert len(submitted) >= 10, "the child never got far enough to test anything"
        assert acknowledged <= set(submitted)
        assert set(submitted.items()) == records
        for row in conn.execute("SELECT * FROM case_attachment"):
            data = kit.vault.unseal_bytes((data_dir / row["path"]).read_bytes())
            assert len(data) == row["size"] and hashlib.sha256(data).hexdigest() == row["sha256"]
        listed = conn.execute(
            "SELECT o.attachment_id, c.case_id FROM outbox_attachment o"
            " LEFT JOIN case_attachment c USING (attachment_id)"
        ).fetchall()
        assert all(case_id is not None for _, case_id in listed)
        sent = {r[0] for r in listed}
        expected = {
            r[0]
            for r in conn.execute(
                "SELECT a.attachment_id FROM case_attachment a JOIN case_record c USING (case_id)"
                " WHERE c.state = 'submitted'"
            )
        }
        assert sent == expected
        # Files a kill left without a row are swept; every named file stays.
        kit.cases.sweep_orphan_files(older_than_s=-1)
        names = {p.name for p in (data_dir / "attachments").iterdir()}
        named = {r[0].split("/")[-1] for r in conn.execute("SELECT path FROM case_attachment")}
        assert names == named
    finally:
        kit.store.close()
