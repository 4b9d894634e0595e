"""Devices: enrolment, secrets, nonces (contract section 1), and maintenance mode."""

from __future__ import annotations

import re

from offline_sync.contract.protocol import NONCE_WINDOW_S
from offline_sync.platform_server.base import PlatformBase, StaffError, locked
from offline_sync.signing import new_secret

_DEVICE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{2,63}$")


class Enrolment(PlatformBase):
    """The devices the platform admits and the nonces each has used."""

    _nonce_writes = 0  # every 500th nonce written also clears the expired ones

    @locked
    def enroll(self, device_id: str, secret_hex: str | None = None) -> str:
        """Enrol (or re-enrol) a device; its secret, new unless one is given."""
        if not _DEVICE_ID.match(device_id):
            raise StaffError(
                f"device id {device_id!r}: expected letters, digits and '-', e.g. 510100-K-000123"
            )
        secret = secret_hex or new_secret()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO device (device_id, secret, active, enrolled_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (device_id) DO UPDATE SET secret = excluded.secret, active = 1",
                [device_id, secret, self._now_text()],
            )
        return secret

    @locked
    def disable_device(self, device_id: str) -> None:
        """Refuse the device's requests from now on (``unknown_device``)."""
        with self._store.transaction() as conn:
            if not conn.execute(
                "UPDATE device SET active = 0 WHERE device_id = ?", [device_id]
            ).rowcount:
                raise StaffError(f"device {device_id} is not enrolled")

    @locked
    def device_key(self, device_id: str) -> bytes | None:
        """The HMAC key of an enrolled, active device; None otherwise."""
        row = self._conn.execute(
            "SELECT secret FROM device WHERE device_id = ? AND active = 1", [device_id]
        ).fetchone()
        return bytes.fromhex(row["secret"]) if row else None

    @locked
    def use_nonce(self, device_id: str, nonce: str) -> bool:
        """Record a nonce; False when this device used it within the last 600 s."""
        now = self._clock.now().timestamp()
        with self._store.transaction() as conn:
            self._nonce_writes += 1
            if self._nonce_writes % 500 == 1:
                conn.execute("DELETE FROM nonce WHERE expires_at <= ?", [now])
            seen = conn.execute(
                "SELECT expires_at FROM nonce WHERE device_id = ? AND nonce = ?", [device_id, nonce]
            ).fetchone()
            if seen is not None and seen["expires_at"] > now:
                return False
            conn.execute(
                "INSERT OR REPLACE INTO nonce (device_id, nonce, expires_at) VALUES (?, ?, ?)",
                [device_id, nonce, now + NONCE_WINDOW_S],
            )
        return True

    @locked
    def set_maintenance(self, retry_after_s: int | None) -> None:
        """Answer every request but ping with 503 and this Retry-After; None: serve again."""
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM meta WHERE key = 'maintenance_retry_after'")
            if retry_after_s is not None:
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('maintenance_retry_after', ?)",
                    [str(int(retry_after_s))],
                )

    @locked
    def maintenance(self) -> int | None:
        """The Retry-After (seconds) while in maintenance, else None."""
        row = self._conn.execute(
            "SELECT value FROM meta WHERE key = 'maintenance_retry_after'"
        ).fetchone()
        return int(row["value"]) if row else None
