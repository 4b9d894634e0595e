"""The case service: every job on cases, one object for the UI, the CLI and the flows.

Each job lives in its own module: reading (``records``), drafts (``drafts``), attachments
(``attachments``), submission (``submission``) and bundles (``bundles``).
"""

from __future__ import annotations

from kiosk.core.cases.bundles import Bundles


class CaseService(Bundles):
    """Create, fill in, submit and follow cases (办件)."""
