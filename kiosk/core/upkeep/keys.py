"""The vault key in and out of the box, only ever wrapped under a technician's passphrase.

A backup stick holds the store and its attachments, sealed under the vault key; the key
itself goes there only as a file from :func:`export_key`: the 48 key bytes sealed with
SM4-GCM under a key derived from the passphrase with scrypt, the header authenticated
with them. A lost stick then reveals nothing without the passphrase. The wrapped file
names the key's fingerprint (an SM3 digest, which says nothing about the key), so a
restore can tell whether a backup and a key belong together.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kiosk.core.cases.files import fsync_dir
from kiosk.core.upkeep.errors import KeyFileError
from offline_sync.vault import KEY_FILE, Vault, key_fingerprint

FORMAT = "bianmin-vault-key"
KEY_BYTES = 48
MIN_PASSPHRASE = 8
SCRYPT_N = 2**15  # 32 MiB and about 0.1 s: cheap once, costly for a guesser
WRAPPED_SUFFIX = ".bianmin-key"


def key_path(data_dir: Path) -> Path:
    """The vault key file of a data directory."""
    return Path(data_dir) / KEY_FILE


def read_key(data_dir: Path) -> bytes:
    """The raw vault key of ``data_dir``; KeyFileError when it is missing or damaged."""
    path = key_path(data_dir)
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no vault key here", path=str(path)) from None
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the key: {exc.strerror}", path=str(path)) from None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != KEY_BYTES:
        raise KeyFileError(f"{path}: the key file is damaged", path=str(path))
    return raw


def fingerprint(raw: bytes) -> str:
    """A short public name of a key (16 hex characters of its SM3 digest); the key id the
    store records (:func:`offline_sync.vault.key_fingerprint`)."""
    return key_fingerprint(raw)


def current_fingerprint(data_dir: Path) -> str | None:
    """The fingerprint of the data directory's key, None when it has none (or a damaged one)."""
    try:
        return fingerprint(read_key(data_dir))
    except KeyFileError:
        return None


def export_key(data_dir: Path, passphrase: str, scrypt_n: int = SCRYPT_N) -> bytes:
    """The wrapped key file's content (JSON) for the key of ``data_dir``."""
    check_passphrase(passphrase)
    raw = read_key(data_dir)
    header = {
        "format": FORMAT,
        "version": 1,
        "fingerprint": fingerprint(raw),
        "kdf": {"name": "scrypt", "n": scrypt_n, "r": 8, "p": 1, "salt": secrets.token_hex(16)},
        "cipher": "SM4-GCM",
        "nonce": secrets.token_hex(12),
    }
    wrap = _wrapping_key(passphrase, header["kdf"])
    enc = Cipher(algorithms.SM4(wrap), modes.GCM(bytes.fromhex(header["nonce"]))).encryptor()
    enc.authenticate_additional_data(_canonical(header))
    sealed = enc.update(raw) + enc.finalize() + enc.tag
    return (json.dumps({**header, "sealed": sealed.hex()}, indent=2) + "\n").encode()


def unwrap_key(blob: bytes, passphrase: str) -> bytes:
    """The raw key inside a wrapped key file; KeyFileError for a wrong passphrase."""
    try:
        document = json.loads(blob)
        sealed = bytes.fromhex(document.pop("sealed"))
        kdf, nonce = document["kdf"], bytes.fromhex(document["nonce"])
        if document.get("format") != FORMAT or document.get("cipher") != "SM4-GCM":
            raise ValueError(document.get("format"))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError("not a bianmin key file (bianmin key export makes them)") from None
    body, tag = sealed[:-16], sealed[-16:]
    dec = Cipher(algorithms.SM4(_wrapping_key(passphrase, kdf)), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(_canonical(document))
    try:
        raw = dec.update(body) + dec.finalize()
    except InvalidTag:
        raise KeyFileError("wrong passphrase, or the key file was altered") from None
    if len(raw) != KEY_BYTES or fingerprint(raw) != document.get("fingerprint"):
        raise KeyFileError("the key file is damaged")
    return raw


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_key` did."""

    fingerprint: str
    changed: bool  # False: this very key was already in place
    replaced: Path | None  # where a different key that was in place was kept


def import_key(
    data_dir: Path, blob: bytes, passphrase: str, replace: bool = False, now: datetime | None = None
) -> ImportResult:
    """Put a wrapped key in place as the data directory's vault key.

    A different key already in place is kept (``vault.key.replaced-<time>``) and replaced
    only with ``replace``: the store's sealed data is readable with one key alone.
    """
    raw = unwrap_key(blob, passphrase)
    new = fingerprint(raw)
    path = key_path(data_dir)
    old = current_fingerprint(data_dir) if path.exists() else None
    if old == new:
        return ImportResult(new, False, None)
    kept = None
    if path.exists():
        if not replace:
            raise KeyFileError(
                f"{path}: another key ({old or 'damaged'}) is in place; the data sealed under it "
                f"would be lost. Import with --replace only if that data is not needed",
                path=str(path),
            )
        stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
        kept = path.with_name(f"{KEY_FILE}.replaced-{stamp}")
        os.replace(path, kept)
    _write_key(path, raw)
    Vault(raw[:16], raw[16:])  # the key opens: lengths checked
    return ImportResult(new, True, kept)


def check_passphrase(passphrase: str) -> None:
    """KeyFileError for a passphrase too short to protect the key."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyFileError(
            f"the passphrase must have at least {MIN_PASSPHRASE} characters",
            min=MIN_PASSPHRASE,
        )


def _write_key(path: Path, raw: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".tmp")
    staged.unlink(missing_ok=True)
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (raw.hex() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(staged, path)
    fsync_dir(path.parent)


def _wrapping_key(passphrase: str, kdf: dict) -> bytes:
    if kdf.get("name") != "scrypt":
        raise KeyFileError(f"unknown key derivation {kdf.get('name')!r}")
    return Scrypt(
        salt=bytes.fromhex(kdf["salt"]), length=16, n=kdf["n"], r=kdf["r"], p=kdf["p"]
    ).derive(passphrase.encode("utf-8"))


def _canonical(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
