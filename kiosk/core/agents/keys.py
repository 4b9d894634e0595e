"""Per-agent data keys, wrapped under the agent's PIN and the device key.

Each agent who logs in on a tablet gets a random data key on it (16 bytes SM4, 32 bytes for
the HMAC-SM3 lookup index). Their personal data (villagers, cases, the outbox records of
those cases, photos and signatures) is sealed under it with the vault's SM4-GCM, in the form
``KEYED_VERSION + key id (8 bytes) + sealed value``. The key itself is kept only wrapped:
SM4-GCM under ``HMAC-SM3(device key, scrypt(PIN, salt))``, where the device key is derived
from the site's vault key. So the disk holds no key that opens an agent's data without
their PIN, and a PIN guessed away from this tablet is useless without its device key.

The :class:`KeyRing` is the site vault that also opens the values of the agents logged in
now (the sync engine uses it): a value of an agent who is logged out raises VaultLocked,
and waits.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from offline_sync.sm3 import hmac_sm3
from offline_sync.vault import KEYED_VERSION, Vault, VaultError, VaultLocked

KEY_ID_BYTES = 8
_WRAP_LABEL = "bianmin agent key wrap v1"
_HEADER = len(KEYED_VERSION) + KEY_ID_BYTES
_MAXMEM = 256 * 1024 * 1024


def key_id_of(blob: bytes) -> bytes | None:
    """The key id a value was sealed under, or None for a value sealed with the site's key."""
    if blob[:1] != KEYED_VERSION or len(blob) < _HEADER:
        return None
    return bytes(blob[1:_HEADER])


class AgentVault(Vault):
    """Seals under one agent's data key; opens their values and the site's (not another
    agent's: VaultLocked). Its lookup digests are keyed by the agent's own index key."""

    def __init__(self, device: Vault, key_id: bytes, sm4_key: bytes, index_key: bytes) -> None:
        if len(key_id) != KEY_ID_BYTES:
            raise VaultError("an agent key id is 8 bytes")
        super().__init__(sm4_key, index_key)
        self.device = device
        self.ring_id = key_id  # names this agent's key in sealed values and in the key ring
        self.prefix = KEYED_VERSION + key_id
        self._material = sm4_key + index_key

    @classmethod
    def fresh(cls, device: Vault) -> AgentVault:
        """A new random data key."""
        raw = secrets.token_bytes(48)
        return cls(device, secrets.token_bytes(KEY_ID_BYTES), raw[:16], raw[16:])

    def seal_bytes(self, data: bytes) -> bytes:
        """Encrypt under this agent's key (the key id in front)."""
        return self.prefix + super().seal_bytes(data)

    def unseal_bytes(self, blob: bytes) -> bytes:
        """Decrypt this agent's value, or a site value; VaultLocked for another agent's."""
        if blob[:1] != KEYED_VERSION:
            return self.device.unseal_bytes(blob)
        if blob[:_HEADER] != self.prefix:
            raise VaultLocked("sealed under another agent's key")
        return super().unseal_bytes(blob[_HEADER:])

    @property
    def key_hex(self) -> str:
        """The key id in hex, as the store names it."""
        return self.ring_id.hex()


class KeyRing(Vault):
    """The site's vault, which also opens the values of agents whose keys are unlocked."""

    def __init__(self, sm4_key: bytes, index_key: bytes) -> None:
        super().__init__(sm4_key, index_key)
        self._unlocked: dict[bytes, AgentVault] = {}
        self._lock = threading.Lock()

    def unlock(self, vault: AgentVault) -> None:
        """Open this agent's values to the ring (their login)."""
        with self._lock:
            self._unlocked[vault.ring_id] = vault

    def lock(self, key_id: bytes) -> None:
        """Close them again (logout, idle lock); locked already is fine."""
        with self._lock:
            self._unlocked.pop(key_id, None)

    def unseal_bytes(self, blob: bytes) -> bytes:
        """Decrypt a site value, or a value of an agent logged in now; VaultLocked otherwise."""
        key_id = key_id_of(blob)
        if key_id is None:
            return super().unseal_bytes(blob)
        with self._lock:
            vault = self._unlocked.get(key_id)
        if vault is None:
            raise VaultLocked(f"sealed under agent key {key_id.hex()}, which is locked")
        return vault.unseal_bytes(blob)


@dataclass(frozen=True)
class WrappedKey:
    """An agent's data key as the store keeps it: sealed under their PIN and the device key."""

    key_id: str
    salt: bytes
    n: int
    r: int
    p: int
    sealed: bytes


def device_key(device: Vault) -> bytes:
    """The device's secret for key wraps, derived from the site vault's index key."""
    return bytes.fromhex(device.lookup_key(_WRAP_LABEL))


def _wrapping_vault(device: Vault, pin: str, salt: bytes, n: int, r: int, p: int) -> Vault:
    stretched = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=_MAXMEM)
    kek = hmac_sm3(device_key(device), stretched)
    # Only its SM4 half is used: nothing is looked up under a wrapping key.
    return Vault(kek[:16], kek)


def wrap_key(
    agent_id: str, pin: str, key: AgentVault, n: int, r: int = 8, p: int = 1
) -> WrappedKey:
    """Seal ``key`` under ``pin`` and the device key (scrypt cost ``n``, ``r``, ``p``)."""
    salt = secrets.token_bytes(16)
    plain = {"agent_id": agent_id, "key_id": key.key_hex, "key": key._material.hex()}
    sealed = _wrapping_vault(key.device, pin, salt, n, r, p).seal_json(plain)
    return WrappedKey(key.key_hex, salt, n, r, p, sealed)


def unwrap_key(device: Vault, agent_id: str, pin: str, wrapped: WrappedKey) -> AgentVault:
    """The agent's data key; VaultError if the PIN (or the device key) is not the one it was
    wrapped under, or the wrap belongs to someone else."""
    opener = _wrapping_vault(device, pin, wrapped.salt, wrapped.n, wrapped.r, wrapped.p)
    plain: dict[str, Any] = opener.unseal_json(wrapped.sealed)
    if plain.get("agent_id") != agent_id or plain.get("key_id") != wrapped.key_id:
        raise VaultError("the key wrap belongs to another agent")
    raw = bytes.fromhex(plain["key"])
    return AgentVault(device, bytes.fromhex(wrapped.key_id), raw[:16], raw[16:])


def pin_fingerprint(spec: dict[str, Any]) -> str:
    """A short digest naming one version of the platform's PIN record (changes with a reset)."""
    text = f"{spec.get('salt')}:{spec.get('hash')}".encode()
    return base64.b32encode(hashlib.sha256(text).digest()[:10]).decode().lower()
