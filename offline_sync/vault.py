"""Encryption of personal data at rest: SM4-GCM sealing and an HMAC-SM3 lookup index.

The key file (``vault.key`` in the data directory, mode 0600) is created on first
start and holds two independent keys: 16 bytes for SM4 and 32 bytes for the
HMAC-SM3 index, hex encoded.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from offline_sync.contract.canonical import canonical_json
from offline_sync.sm3 import hmac_sm3

KEY_FILE = "vault.key"
_VERSION = b"\x01"
_NONCE = 12
_TAG = 16


class VaultError(Exception):
    """The key file is missing, unreadable or wrong, or a sealed value was tampered with."""


class Vault:
    """Seals and unseals sensitive values under the site's key."""

    def __init__(self, sm4_key: bytes, index_key: bytes) -> None:
        if len(sm4_key) != 16 or len(index_key) != 32:
            raise VaultError("vault keys have the wrong length")
        self._sm4_key = sm4_key
        self._index_key = index_key

    @classmethod
    def load_or_create(cls, data_dir: Path) -> Vault:
        """The vault of ``data_dir``, creating its key file (mode 0600) on first start."""
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
        """Decrypt a value from :meth:`seal_bytes`; VaultError if it was altered."""
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
