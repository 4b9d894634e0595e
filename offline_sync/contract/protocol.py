"""The platform contract's numbers: paths, limits and time windows (sections 1 to 5).

The client keeps under these limits and the reference platform enforces them.
"""

from __future__ import annotations

API_PREFIX = "/api/v1"
TUS_VERSION = "1.0.0"

MAX_BATCH_RECORDS = 500
MAX_BATCH_BYTES = 4 * 1024 * 1024  # before compression
MAX_CHUNK_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # Tus-Max-Size
DEFAULT_PULL_LIMIT = 200
MAX_PULL_LIMIT = 500

CLOCK_SKEW_S = 300
NONCE_WINDOW_S = 600
