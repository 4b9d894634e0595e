"""Entry point of an Android build (docs/android.md): the tablet, its site file in the app's
private storage. Buildozer starts ``main.py`` at the source root, which calls :func:`main`."""

from __future__ import annotations

import os
from pathlib import Path

SITE_FILE = "site.toml"


def main() -> None:
    """Open the agent's tablet with ``$BIANMIN_CONFIG``, else ``site.toml`` beside the app's
    private data (written when the tablet is enrolled)."""
    from kiosk.agent.launch import run_agent, tablet_config
    from kiosk.config import ENV_VAR, load_config

    private = Path(os.environ.get("ANDROID_PRIVATE", Path.home()))
    site = os.environ.get(ENV_VAR) or str(private / SITE_FILE)
    run_agent(tablet_config(load_config(site)))
