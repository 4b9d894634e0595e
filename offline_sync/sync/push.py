"""The push stages: choose a batch, upload its attachments (tus), send it, apply the results.

Every step reads its progress from the store and writes its outcome there, so a
stage interrupted at any point (link cut, process killed) is simply run again:
attachments already complete are marked ``uploaded_at`` and skipped (an upload cut
midway resumes from the platform's offset), and records already stored come back
``duplicate`` when their batch is sent again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_sync.client import PlatformClient, PlatformError, TooLarge
from offline_sync.contract import canonical_json
from offline_sync.plain import one_line
from offline_sync.vault import KEY_FILE, Vault, VaultError, VaultLocked

_BATCH_OVERHEAD = len(b'{"records":[]}')
# A pending record whose earlier revisions have all been answered (a revision never
# overtakes the one before it).
_IN_TURN = (
    "o.state = 'pending' AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.kind = o.kind"
    " AND e.record_id = o.record_id AND e.revision < o.revision AND e.state = 'pending')"
)
# ... and due at :now; a per-record wait longer than :max_wait counts as due, so a wall
# clock set back cannot stall records.
_SENDABLE = _IN_TURN + (" AND (o.next_attempt_at <= :now OR o.next_attempt_at > :now + :max_wait)")


@dataclass(frozen=True)
class Outgoing:
    """One record of a batch, in the contract's wire form."""

    seq: int
    kind: str
    record_id: str
    revision: int
    wire: dict[str, Any]


@dataclass(frozen=True)
class Batch:
    """The records to send next, those that can never be sent as they are, and those sealed
    under a key that is locked now (a proxy agent's, while they are logged out)."""

    records: list[Outgoing]
    unsendable: list[tuple[int, str]]
    locked: list[int] = field(default_factory=list)


def wire_size(wire: dict[str, Any]) -> int:
    """Bytes of a record in the uncompressed request, as the client serialises it."""
    return len(canonical_json(wire))


def next_batch(
    conn: sqlite3.Connection,
    vault: Vault,
    now: float,
    max_wait: float,
    max_records: int,
    max_bytes: int,
) -> Batch:
    """The oldest due pending records, at most ``max_records`` and ``max_bytes`` uncompressed.

    A revision is sent only once the platform has answered for every earlier revision
    of the same record, so a later one never overtakes it. A record this device cannot
    unseal raises UnreadableRecord: it is this device's fault, never the record's, so the
    push stops instead of moving the record to the dead letters.
    """
    rows = conn.execute(
        f"SELECT seq, kind, record_id, revision, body FROM outbox AS o WHERE {_SENDABLE}"
        " ORDER BY seq",
        {"now": now, "max_wait": max_wait},
    )
    records: list[Outgoing] = []
    unsendable: list[tuple[int, str]] = []
    locked: list[int] = []
    size = _BATCH_OVERHEAD
    # Read row by row: records sealed under a locked key do not take a place in the batch.
    for seq, kind, record_id, revision, sealed in rows:
        if len(records) >= max_records:
            break
        try:
            body = json.loads(vault.unseal_bytes(sealed))
        except VaultLocked:
            locked.append(seq)
            continue
        except (VaultError, ValueError) as exc:
            raise UnreadableRecord(
                f"outbox record #{seq} ({kind} {record_id}) cannot be unsealed on this device"
                f" ({exc}); the push waits: check {KEY_FILE} and the store (bianmin db check)"
            ) from None
        wire = {"kind": kind, "id": record_id, "revision": revision, "body": body}
        record_size = wire_size(wire)
        if record_size + _BATCH_OVERHEAD > max_bytes:
            too_big = f"local: the record is {record_size} bytes, over the {max_bytes}-byte limit"
            unsendable.append((seq, too_big))
            continue
        separator = 1 if records else 0  # the comma before every record but the first
        if size + separator + record_size > max_bytes:
            break
        size += separator + record_size
        records.append(Outgoing(seq, kind, record_id, revision, wire))
    return Batch(records, unsendable, locked)


def next_due_at(conn: sqlite3.Connection) -> float | None:
    """When the next record in turn is due (epoch seconds), or None when none is pending."""
    return conn.execute(
        f"SELECT min(o.next_attempt_at) FROM outbox AS o WHERE {_IN_TURN}"
    ).fetchone()[0]


@dataclass(frozen=True)
class PendingAttachment:
    """An attachment of a batch's record that the platform does not hold completely yet."""

    attachment_id: str
    record_id: str
    path: str
    size: int
    sha256: str
    media_type: str


def referenced_attachments(wire: dict[str, Any]) -> set[str]:
    """Ids of the attachments a record's body names (case materials, agent consent)."""
    body = wire.get("body") or {}
    ids = {a.get("id") for a in body.get("attachments") or () if isinstance(a, dict)}
    agent = body.get("agent")
    if isinstance(agent, dict) and isinstance(agent.get("authorization"), dict):
        ids.add(agent["authorization"].get("attachment_id"))
    return {i for i in ids if isinstance(i, str)}


def attachments_to_upload(
    conn: sqlite3.Connection, attachment_ids: Iterable[str]
) -> list[PendingAttachment]:
    """Those of these attachments that are listed in the outbox and not yet marked uploaded."""
    ids = sorted(set(attachment_ids))
    found: list[PendingAttachment] = []
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ",".join("?" * len(part))
        rows = conn.execute(
            "SELECT attachment_id, record_id, path, size, sha256, media_type FROM outbox_attachment"
            f" WHERE uploaded_at IS NULL AND attachment_id IN ({marks})",
            part,
        ).fetchall()
        found.extend(PendingAttachment(*row) for row in rows)
    return found


class UnreadableRecord(Exception):
    """This device cannot unseal a record or attachment it queued itself (a local fault).

    The push stops with this error in the sync status until a technician mends the key or
    the store; the record stays pending and nothing goes to the dead letters.
    """


class LocalAttachmentError(Exception):
    """The attachment's file on this device is missing or damaged: it can never be sent."""


@dataclass(frozen=True)
class UploadOutcome:
    """How one upload ended: ``error`` None on success; ``permanent`` when retrying is futile."""

    attachment: PendingAttachment
    error: Exception | None = None
    permanent: bool = False


def read_attachment(vault: Vault, data_dir: Path, attachment: PendingAttachment) -> bytes:
    """The attachment's plaintext, checked against its recorded size and digest.

    LocalAttachmentError when the file is gone or does not match (it can never be sent);
    UnreadableRecord when this device cannot unseal it (the push waits).
    """
    path = Path(data_dir) / attachment.path
    try:
        data = vault.unseal_bytes(path.read_bytes())
    except OSError as exc:
        raise LocalAttachmentError(f"{path}: cannot read the file: {exc.strerror}") from None
    except VaultLocked:
        raise
    except VaultError as exc:
        raise UnreadableRecord(
            f"{path}: the attachment cannot be unsealed on this device ({exc}); the push"
            f" waits: check {KEY_FILE}"
        ) from None
    if len(data) != attachment.size or hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise LocalAttachmentError(f"{path}: the file does not match its recorded size and sha256")
    return data


class Uploader:
    """Uploads attachments on a few threads, each with its own platform client."""

    def __init__(
        self, connect: Callable[[], PlatformClient], vault: Vault, data_dir: Path, workers: int
    ):
        self._connect = connect
        self._vault = vault
        self._data_dir = Path(data_dir)
        self._workers = max(1, workers)
        self._local = threading.local()
        self._clients: list[PlatformClient] = []
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def upload_all(
        self, attachments: list[PendingAttachment], deadline_s: float | None = None
    ) -> list[UploadOutcome]:
        """Upload each attachment (resuming partial uploads) within ``deadline_s`` seconds;
        one outcome per attachment."""
        if not attachments:
            return []
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="sync-upload")
        end = None if deadline_s is None else time.monotonic() + deadline_s
        return list(self._pool.map(lambda a: self._upload_one(a, end), attachments))

    def _client(self) -> PlatformClient:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._connect()
            with self._lock:
                self._clients.append(client)
        return client

    def _upload_one(self, attachment: PendingAttachment, end: float | None) -> UploadOutcome:
        try:
            data = read_attachment(self._vault, self._data_dir, attachment)
        except VaultLocked as exc:
            return UploadOutcome(attachment, exc)
        except LocalAttachmentError as exc:
            return UploadOutcome(attachment, exc, permanent=True)
        except UnreadableRecord as exc:
            return UploadOutcome(attachment, exc)
        client = self._client()
        client.set_deadline(None if end is None else end - time.monotonic())
        try:
            client.upload(
                attachment.attachment_id,
                attachment.record_id,
                data,
                attachment.sha256,
                attachment.media_type,
            )
        except TooLarge as exc:
            return UploadOutcome(attachment, exc, permanent=True)
        except PlatformError as exc:
            return UploadOutcome(attachment, exc, permanent=_refused_for_good(exc))
        return UploadOutcome(attachment)

    def close(self) -> None:
        """Stop the threads and close their clients."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        with self._lock:
            for client in self._clients:
                client.close()
            self._clients.clear()


def _refused_for_good(exc: PlatformError) -> bool:
    """A 4xx answer about this upload itself (not auth, not busy): retrying cannot help."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 408, 429)


def result_json(result: dict[str, Any]) -> str:
    """The platform's result for a record, as kept in ``outbox.result``."""
    return canonical_json(result).decode()


def describe_error(result: dict[str, Any]) -> str:
    """``conflict: <code>: <message>`` from a result's error object."""
    error = result.get("error") if isinstance(result.get("error"), dict) else {}
    status = result.get("status", "")
    code = error.get("code", "")
    parts = (status, code if code != status else "", error.get("message", ""))
    return one_line(": ".join(str(part) for part in parts if part))
