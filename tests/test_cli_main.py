"""What every `bianmin` invocation shares: the version, the help, the site file option."""

from __future__ import annotations

from kiosk.core.upkeep.versions import program_version
from tests.conftest import bianmin


def test_version_says_which_program_this_is():
    result = bianmin("--version")
    assert result.exit_code == 0 and result.stdout == f"bianmin {program_version()}\n"


def test_help_lists_every_command_and_names_the_site_file():
    result = bianmin("--help")
    assert result.exit_code == 0
    for name in ("config", "status", "sync", "queue", "idcard", "printer", "doctor"):
        assert f"\n  {name} " in result.stdout, name
    assert "$BIANMIN_CONFIG" in result.stdout and "packaged defaults" not in result.stdout
