"""Why a configuration cannot be used, and which keys hold secrets no message may quote."""

from __future__ import annotations

from typing import Any


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line for a technician.

    It names the file, the key and what is allowed; it quotes the value, except the value
    of a secret (:func:`is_secret_key`), which would end up in the journal.
    """


# A key whose name holds one of these words (between underscores) is a secret:
# device_secret, technician_pin, [hall] key, a password, a passphrase, a token.
SECRET_WORDS = frozenset({"secret", "pin", "key", "password", "passphrase", "token"})


def is_secret_key(key: str) -> bool:
    """True when the config key ``key`` (``platform.device_secret``, ``hall.key``) holds a
    secret, whose value no message may quote."""
    name = key.rsplit(".", 1)[-1].split("[", 1)[0]
    return not SECRET_WORDS.isdisjoint(name.lower().split("_"))


def shown_value(key: str, value: Any) -> str:
    """``value`` as an error line may quote it: ``repr`` for most keys, only its length for
    a secret's."""
    if not is_secret_key(key):
        return repr(value)
    size = f", {len(value)} characters" if isinstance(value, str) else ""
    return f"(hidden{size})"
