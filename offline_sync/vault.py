"""Encryption of personal data at rest: SM4-GCM sealing and an HMAC-SM3 lookup index.

The key file (``vault.key`` in the data directory, mode 0600) is created on first
start and holds two independent keys: 16 bytes for SM4 and 32 bytes for the
HMAC-SM3 index, hex encoded.

The store records which key sealed it (:attr:`Vault.key_id`, an SM3 digest of the key,
never the key) in ``store_meta``; :func:`open_vault` refuses a store whose key is
missing or is another key, instead of making a new key that could not read the
records already queued.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from offline_sync.contract.canonical import canonical_json
from offline_sync.sm3 import hmac_sm3, sm3_hex
from offline_sync.store import Store

KEY_FILE = "vault.key"
KEY_ID_META = "vault_key_id"
_VERSION = b"\x01"
# A value sealed under a named key other than the site's (a proxy agent's, unwrapped by
# their PIN): the key's id and a whole sealed value under that key follow this byte.
KEYED_VERSION = b"\x02"
_NONCE = 12
_TAG = 16


class VaultError(Exception):
    """The key file is missing, unreadable or wrong, or a sealed value was tampered with."""


class VaultLocked(VaultError):
    """The value is sealed under a named key this vault does not hold now (an agent who is
    not logged in): try again later, it is not damaged."""


class KeyMissing(VaultError):
    """The store holds sealed data but its key file is gone."""


class WrongKey(VaultError):
    """The key file is not the key that sealed the store."""


def key_fingerprint(raw: bytes) -> str:
    """A key's public name: 16 hex digits of the SM3 digest of it (says nothing of the key).

    The same name everywhere: the store's record of its key, backups, key export, doctor.
    """
    return sm3_hex(b"bianmin vault key\n" + raw)[:16]


def recorded_key_id(store_path: Path) -> str | None:
    """The key id a store file records (read-only, without opening it as a Store), or None."""
    try:
        conn = sqlite3.connect(f"file:{Path(store_path)}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE name = ?", (KEY_ID_META,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return row[0] if row else None


class Vault:
    """Seals and unseals sensitive values under the site's key."""

    def __init__(self, sm4_key: bytes, index_key: bytes) -> None:
        if len(sm4_key) != 16 or len(index_key) != 32:
            raise VaultError("vault keys have the wrong length")
        self._sm4_key = sm4_key
        self._index_key = index_key

    @property
    def key_id(self) -> str:
        """Who this key is, safe to store and show: its :func:`key_fingerprint`."""
        return key_fingerprint(self._sm4_key + self._index_key)

    @classmethod
    def load(cls, data_dir: Path) -> Vault:
        """The vault of ``data_dir`` from its existing key file; KeyMissing when there is none."""
        path = Path(data_dir) / KEY_FILE
        if not path.exists():
            raise KeyMissing(f"{path}: the key file is missing")
        return cls._read(path)

    @classmethod
    def load_or_create(cls, data_dir: Path) -> Vault:
        """The vault of ``data_dir``, creating its key file (mode 0600) on first start.

        The kiosk opens its vault with :func:`open_vault`, which creates a key only for a
        store that has none yet.
        """
        path = Path(data_dir) / KEY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls._read(path)
        try:
            os.write(fd, (secrets.token_bytes(48).hex() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> Vault:
        try:
            text = path.read_text().strip()
        except OSError as exc:
            raise VaultError(f"{path}: cannot read the key file: {exc.strerror}") from None
        if path.stat().st_mode & 0o077:
            raise VaultError(f"{path}: key file is readable by others; run chmod 600 {path}")
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raw = b""
        if len(raw) != 48:
            raise VaultError(f"{path}: key file is damaged (expected 96 hex characters)")
        return cls(raw[:16], raw[16:])

    def seal_bytes(self, data: bytes) -> bytes:
        """Encrypt and authenticate ``data``."""
        nonce = secrets.token_bytes(_NONCE)
        enc = Cipher(algorithms.SM4(self._sm4_key), modes.GCM(nonce)).encryptor()
        body = enc.update(data) + enc.finalize()
        return _VERSION + nonce + body + enc.tag

    def unseal_bytes(self, blob: bytes) -> bytes:
        """Decrypt a value from :meth:`seal_bytes`; VaultError if it was altered, VaultLocked
        if it is sealed under a named key (:data:`KEYED_VERSION`)."""
        if blob[:1] == KEYED_VERSION:
            raise VaultLocked("sealed under a named key that is not unlocked")
        if len(blob) < 1 + _NONCE + _TAG or blob[:1] != _VERSION:
            raise VaultError("sealed value is malformed")
        nonce, body, tag = blob[1 : 1 + _NONCE], blob[1 + _NONCE : -_TAG], blob[-_TAG:]
        dec = Cipher(algorithms.SM4(self._sm4_key), modes.GCM(nonce, tag)).decryptor()
        try:
            return dec.update(body) + dec.finalize()
        except InvalidTag:
            raise VaultError("sealed value failed authentication (wrong key or tampered)") from None

    def seal(self, text: str) -> bytes:
        """Encrypt a text value."""
        return self.seal_bytes(text.encode("utf-8"))

    def unseal(self, blob: bytes) -> str:
        """Decrypt a text value."""
        return self.unseal_bytes(blob).decode("utf-8")

    def seal_json(self, obj: Any) -> bytes:
        """Encrypt a JSON-serialisable value."""
        return self.seal_bytes(canonical_json(obj))

    def unseal_json(self, blob: bytes) -> Any:
        """Decrypt a value sealed with :meth:`seal_json`."""
        return json.loads(self.unseal_bytes(blob))

    def lookup_key(self, value: str) -> str:
        """A keyed HMAC-SM3 of ``value`` (hex) for equality lookups without storing the value."""
        return hmac_sm3(self._index_key, value.encode("utf-8")).hex()


def open_vault(data_dir: Path, store: Store, kind: type[Vault] | None = None) -> Vault:
    """The vault that sealed ``store``, checked against the key id the store records.

    A store that records no key and holds no sealed record gets the key file of
    ``data_dir`` (created when missing) and records its id. Otherwise the key file must
    exist and be the one that sealed the store: KeyMissing or WrongKey say, in one line,
    which file to put back; nothing new is created that could not read the old records.
    ``kind`` is the Vault subclass to load the key into (default Vault).
    """
    path = Path(data_dir) / KEY_FILE
    recorded = store.meta(KEY_ID_META)
    sample = _sealed_sample(store)
    if not path.exists() and (recorded is not None or sample is not None):
        sealed_by = f"key {recorded}" if recorded else "a key"
        raise KeyMissing(
            f"{path}: the key file is missing, but the store {store.path} holds records sealed"
            f" with {sealed_by}; put back this device's {KEY_FILE} (from its backup) and start"
            " again. No new key was made: it could not read them"
        )
    vault = (kind or Vault).load_or_create(data_dir)
    if recorded is not None and recorded != vault.key_id:
        raise WrongKey(
            f"{path}: this key (id {vault.key_id}) did not seal the store {store.path} (sealed"
            f" with key {recorded}); put back the {KEY_FILE} that belongs to this store"
        )
    if recorded is None:
        if sample is not None:
            try:
                vault.unseal_bytes(sample)
            except VaultError:
                raise WrongKey(
                    f"{path}: this key (id {vault.key_id}) cannot read the records of the store"
                    f" {store.path}; put back the {KEY_FILE} that belongs to this store"
                ) from None
        store.set_meta(KEY_ID_META, vault.key_id)
    return vault


def _sealed_sample(store: Store) -> bytes | None:
    """The newest sealed outbox body of the store, if it has an outbox with records."""
    has_outbox = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"
    ).fetchone()
    if not has_outbox:
        return None
    row = store.conn.execute("SELECT body FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else row[0]
