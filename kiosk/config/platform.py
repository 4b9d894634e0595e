"""The provincial platform's link: ``[platform]`` (where and who) and ``[sync]`` (how)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.config.checks import pattern, platform_url_problem, within
from offline_sync.contract.protocol import MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_PULL_LIMIT


@dataclass(frozen=True)
class Platform:
    url: str = field(
        metadata=pattern(r"^(|https?://\S+)$", "an http(s) URL or empty")
        | {"problem": platform_url_problem}
    )
    device_id: str
    device_secret: str = field(
        metadata=pattern(r"^(|[0-9a-f]{64})$", "64 lower-case hex characters")
    )


@dataclass(frozen=True)
class Sync:
    interval_s: float = field(metadata=within(1, 86400))
    batch_records: int = field(metadata=within(1, MAX_BATCH_RECORDS))
    batch_bytes: int = field(metadata=within(1024, MAX_BATCH_BYTES))
    pull_limit: int = field(metadata=within(1, MAX_PULL_LIMIT))
    request_timeout_s: float = field(metadata=within(1, 600))
    backoff_base_s: float = field(metadata=within(0.01, 3600))
    backoff_max_s: float = field(metadata=within(1, 86400))
    breaker_failures: int = field(metadata=within(1, 100))
    upload_workers: int = field(metadata=within(1, 16))
