"""Power cut mid-submit: a process submitting cases is killed with SIGKILL, again and again."""

from __future__ import annotations

import hashlib
import random
from functools import partial
from pathlib import Path

from tests.cases_fixtures import applicant, id_number, make_kit, tiny_jpeg
from tests.crash import Kill, Worker

ROUNDS = 40
BIRTH = {
    "phone": "13908171234",
    "child_name": "王小丫",
    "birth_date": "2026-11-01",
    "child_gender": "女",
    "settle_with": "随母",
    "address": "翠屏区李庄镇高石村3组",
    "insured_category": "新生儿",
    "bank": "农业银行",
}
PENSION = {"phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"}


def submit_forever(data_dir: Path, round_no: int, out) -> None:
    """What the killed process does: submit single cases and bundles, acknowledging each."""
    kit = make_kit(data_dir)
    photo = tiny_jpeg(8)
    out.write("ready\n")
    out.flush()
    n = round_no * 1000
    while True:
        n += 1
        person = applicant(id_number=id_number(seq=n % 997))
        if n % 4 == 0:
            app = kit.cases.start_bundle("511500-9001-01", person, form=BIRTH)
            merged = {m.name: m for m in app.bundle.materials}
            kit.cases.attach_to_bundle(app.bundle_id, merged["居民身份证"], photo, "image/jpeg")
            for material in app.bundle.materials:
                kit.cases.check_bundle_material(app.bundle_id, material)
            done = [case.case_id for case in kit.cases.submit_bundle(app.bundle_id)]
        else:
            case_id = kit.cases.new_draft("511500-0101-01", person, form=PENSION)
            kit.cases.attach(case_id, "M01", photo, "image/jpeg")
            kit.cases.attach(case_id, "M02", photo, "image/jpeg")
            done = [kit.cases.submit(case_id).case_id]
        out.write("".join(f"submitted {case_id}\n" for case_id in done))
        out.flush()


def run_and_kill(data_dir: Path, round_no: int, rng: random.Random, probe_dir: Path) -> Kill:
    """Fork a process that submits cases and SIGKILL it: paused inside one of its first
    write transactions, or at a random moment after its first acknowledged case."""
    work = partial(submit_forever, data_dir, round_no)
    if round_no % 2:
        return Worker(work, probe_dir, pause_at=rng.randint(1, 12)).kill()
    return Worker(work, probe_dir).kill(rng.uniform(0.005, 0.12), after_lines=1)


def test_sigkill_mid_submit_never_splits_a_case_from_its_record_or_a_row_from_its_file(tmp_path):
    data_dir = tmp_path / "data"
    rng = random.Random(20261123)
    acknowledged: set[str] = set()
    inside = 0
    for round_no in range(ROUNDS):
        kill = run_and_kill(data_dir, round_no, rng, tmp_path)
        assert kill.killed
        inside += kill.in_transaction
        acknowledged.update(line.split()[1] for line in kill.lines if line.startswith("submitted"))
    assert inside >= ROUNDS // 2, f"only {inside} of {ROUNDS} kills inside a transaction"

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
        assert len(submitted) >= ROUNDS // 2, "the child never got far enough to test anything"
        assert acknowledged <= set(submitted)
        assert set(submitted.items()) == records
        revisions = conn.execute("SELECT count(*) FROM case_revision").fetchone()[0]
        assert revisions == len(records)
        for row in conn.execute("SELECT * FROM case_attachment"):
            data = kit.vault.unseal_bytes((data_dir / row["path"]).read_bytes())
            assert len(data) == row["size"] and hashlib.sha256(data).hexdigest() == row["sha256"]
        listed = conn.execute(
            "SELECT o.attachment_id, c.case_id FROM outbox_attachment o"
            " LEFT JOIN case_attachment c USING (attachment_id)"
        ).fetchall()
        assert all(case_id is not None for _, case_id in listed)
        expected = {
            r[0]
            for r in conn.execute(
                "SELECT a.attachment_id FROM case_attachment a JOIN case_record c USING (case_id)"
                " WHERE c.state = 'submitted'"
            )
        }
        assert {r[0] for r in listed} == expected
        # Files a kill left without a row are swept; every named file stays.
        kit.cases.sweep_orphan_files(older_than_s=-1)
        names = {p.name for p in (data_dir / "attachments").iterdir()}
        named = {r[0].split("/")[-1] for r in conn.execute("SELECT path FROM case_attachment")}
        assert names == named
    finally:
        kit.store.close()
