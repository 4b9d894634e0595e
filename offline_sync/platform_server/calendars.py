"""China's statutory holidays and make-up work days (调休), as the platform serves them.

The data is ``calendars.json`` beside this module: 2026 as published by the State
Council; 2027 projected from the holiday rules (``status`` says which) until the
State Council publishes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DATA = Path(__file__).resolve().parent / "calendars.json"


def statutory_calendars() -> list[dict[str, Any]]:
    """Each shipped year: year, status, source, holidays and workdays (ISO dates)."""
    return json.loads(_DATA.read_text(encoding="utf-8"))["calendars"]
