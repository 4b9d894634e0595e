"""PINs kept only as scrypt hashes, in the platform contract's form (agent accounts).

The form is ``{"scheme": "scrypt", "n", "r", "p", "salt": base64, "hash": base64}``:
the platform sends agent PINs so, and hall staff PINs are stored the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Any

SCRYPT_N = 2**14
_PIN = re.compile(r"^\d{4,12}$")


def is_pin(text: str) -> bool:
    """True for 4 to 12 digits."""
    return bool(_PIN.match(text or ""))


def hash_pin(pin: str, n: int = SCRYPT_N) -> dict[str, Any]:
    """A fresh salted scrypt hash of ``pin`` (``n`` a power of 2; tests may lower it)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=8, p=1, dklen=32)
    return {
        "scheme": "scrypt",
        "n": n,
        "r": 8,
        "p": 1,
        "salt": base64.b64encode(salt).decode(),
        "hash": base64.b64encode(digest).decode(),
    }


def pin_matches(spec: dict[str, Any], pin: str) -> bool:
    """True if ``pin`` hashes to ``spec`` (constant-time); ValueError for an unusable spec."""
    try:
        if spec["scheme"] != "scrypt":
            raise ValueError(f"unknown PIN scheme {spec['scheme']!r}")
        expected = base64.b64decode(spec["hash"])
        digest = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(spec["salt"]),
            n=int(spec["n"]),
            r=int(spec["r"]),
            p=int(spec["p"]),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (KeyError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
        raise ValueError(f"PIN record unusable: {exc}") from None
    return hmac.compare_digest(digest, expected)
