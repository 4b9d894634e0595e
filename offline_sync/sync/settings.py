"""The sync engine's tuning: built by the composition root from the ``[sync]`` config section."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offline_sync.sync.backoff import BackoffPolicy


@dataclass(frozen=True)
class SyncSettings:
    """Tuning of the engine (the ``[sync]`` config section maps onto it by name)."""

    batch_records: int = 500
    batch_bytes: int = 4 * 1024 * 1024
    backoff_base_s: float = 2.0
    backoff_max_s: float = 900.0
    breaker_failures: int = 3
    upload_workers: int = 4
    pull_limit: int = 500
    interval_s: float = 30.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SyncSettings:
        """Settings from a mapping, ignoring keys that are not settings of the engine."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    @property
    def policy(self) -> BackoffPolicy:
        """The backoff policy these settings describe."""
        return BackoffPolicy(self.backoff_base_s, self.backoff_max_s, self.breaker_failures)
