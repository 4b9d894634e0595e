"""The sync engine's tuning: built by the composition root from the ``[sync]`` config section.

The values are written once, in the program's ``config/default.toml``; this class names
and types them and has no defaults of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offline_sync.sync.backoff import BackoffPolicy


@dataclass(frozen=True)
class SyncSettings:
    """Tuning of the engine (the ``[sync]`` config section maps onto it by name)."""

    batch_records: int
    batch_bytes: int
    backoff_base_s: float
    backoff_max_s: float
    breaker_failures: int
    upload_workers: int
    pull_limit: int
    interval_s: float

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SyncSettings:
        """Settings from a mapping, ignoring keys that are not settings of the engine.

        TypeError when a setting is missing.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    @property
    def policy(self) -> BackoffPolicy:
        """The backoff policy these settings describe."""
        return BackoffPolicy(self.backoff_base_s, self.backoff_max_s, self.breaker_failures)
