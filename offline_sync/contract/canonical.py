"""The contract's canonical JSON (section 3), the one serialisation of stored and sent JSON."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """``value`` as UTF-8 JSON with sorted keys, no insignificant white space and non-ASCII
    characters written as themselves (NaN and infinities are not JSON: ValueError).

    The platform compares record bodies in this form (``duplicate`` or ``conflict``);
    everything else that stores or sends JSON uses it too, so one form is ever written.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()
