"""Batches hold the oldest records in order and never exceed the contract's limits."""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from offline_sync.outbox import Outbox
from offline_sync.outbox import migrations as outbox_migrations
from offline_sync.store import Store
from offline_sync.sync import migrations as sync_migrations
from offline_sync.sync.push import next_batch
from offline_sync.vault import Vault

texts = st.text(alphabet="申请人张王李村组abc0123456789 ", max_size=400)


@settings(max_examples=40, deadline=None)
# A next record that fits exactly was once left for the following batch.
@example(comments=["", "0人", "000000", "00000000000人人人人"], max_records=4, max_bytes=806)
@given(
    comments=st.lists(texts, min_size=1, max_size=30),
    max_records=st.integers(1, 12),
    max_bytes=st.integers(300, 6000),
)
def test_a_batch_is_the_oldest_prefix_within_both_limits(comments, max_records, max_bytes):
    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault.load_or_create(Path(tmp))
        store = Store.open(Path(tmp) / "s.sqlite3", [outbox_migrations, sync_migrations])
        try:
            outbox = Outbox(store, vault)
            with store.transaction():
                for i, comment in enumerate(comments):
                    body = {
                        "description": comment,
                        "item_code": None,
                        "contact_phone": None,
                        "reported_at": f"2026-11-23T09:{i:02d}:00+08:00",
                    }
                    outbox.add(
                        "unsolved_report", str(uuid.uuid4()), 1, body, "2026-11-23T01:00:00+00:00"
                    )
            batch = next_batch(store.conn, vault, 0.0, 900.0, max_records, max_bytes)
            taken = len(batch.records) + len(batch.unsendable)
            following = store.conn.execute(
                "SELECT kind, record_id, revision FROM outbox WHERE seq = ?", (taken + 1,)
            ).fetchone()
            following_body = outbox.body(taken + 1) if following else None
        finally:
            store.close()

    def request(records: list[dict]) -> int:
        text = json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":"))
        return len(text.encode())

    wires = [r.wire for r in batch.records]
    assert len(wires) <= max_records
    assert request(wires) <= max_bytes
    seqs = sorted([r.seq for r in batch.records] + [seq for seq, _ in batch.unsendable])
    assert seqs == list(range(1, taken + 1)), "the oldest records, in order"
    assert all("over the" in reason for _, reason in batch.unsendable)
    if following and taken < max_records:  # the batch stopped because the next did not fit
        kind, record_id, revision = following
        nxt = {"kind": kind, "id": record_id, "revision": revision, "body": following_body}
        assert request([*wires, nxt]) > max_bytes
