"""Every example command in README.md and docs/*.md fits the command tree, and every
concrete one runs: in this process, against a site with a reference platform, the ID card
simulator, a virtual printer and a simulated scanner. Also the facts the pages state
once: every command described on its page, ID numbers with their check digit, the seed
catalogue's size, benchmark figures in one place, defaults as default.toml has them,
links that lead somewhere.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from devices.idcard.cards_file import load_cards
from devices.idcard.idnumber import is_valid_id_number
from devices.idcard.simulator import SimulatedReader
from devices.printer import PrinterState, paper_for
from devices.printer.virtual import VirtualPrinter
from devices.scanner import SimulatedScanner
from kiosk.app import build_app, sample_cards
from kiosk.cli.main import main
from kiosk.config import ENV_VAR, load_config
from kiosk.core.voice import system_player
from kiosk.demo.platform import running_platform
from kiosk.resources import data_path
from offline_sync.clock import SystemClock
from tests.conftest import write_site
from tests.doc_examples import PAGES, REPO, Example, check_synopsis, examples, resolve

EXAMPLES = examples()
CONCRETE = list({tuple(e.argv()): e for e in EXAMPLES if e.concrete}.values())

# Concrete examples not run here, each with the reason and the test that runs it instead.
NOT_RUN = {
    ("ui",): "opens the kiosk's window or plays the whole tour: tests/test_ui_*.py",
    ("agent",): "opens the tablet's window (Kivy, never in this process): tests/test_main_job.py",
    ("hall", "serve"): "a server runs until interrupted: tests/hall_fixtures.py starts it",
    ("sim",): "a simulator's console runs until interrupted: tests/test_*_cli.py run it",
    ("platform", "serve"): "a server runs until interrupted: tests/test_platform_cli.py",
    ("scanner", "listen"): "waits for scans: tests/test_scanner_cli.py",
    ("sync", "--forever"): "the loop runs until interrupted: tests/test_sync_lock.py",
    ("demo", "seed"): "5,000 cases take minutes: tests/test_cases_demo.py seeds a few",
    ("backup", "restore"): "names a backup on a real stick: tests/test_upkeep_backup.py",
}
# What a technician types when an example asks (a new account's PIN, asked twice).
ANSWERS = {("hall", "staff", "add"): "2468\n2468\n"}
# Examples that end with another exit status than 0, on purpose.
EXIT_STATUS = {("doctor",): {0, 1}}  # a build machine has no sound card, no udev rules
DEVICE = re.compile(
    r"/dev/(?:ttyUSB\d|ttyACM\d|ttyS\d|serial/by-id/[^\s?']+)|/tmp/bianmin-sim-\w+/\w+"
)


@dataclass
class Bench:
    """What the examples run against."""

    workdir: Path
    site: Path
    env: dict[str, str]
    replace: dict[str, str]
    reader: str
    printer_pty: str
    scanner: str

    def argv(self, example: Example) -> list[str]:
        text = example.text
        for old, new in self.replace.items():
            text = text.replace(old, new)
        words = Example(example.page, example.line, text).argv()
        group = resolve(words)[0][:1]
        device = {"idcard": self.reader, "printer": self.printer_pty}.get(
            group[0] if group else "", self.scanner
        )
        return [DEVICE.sub(device, word) for word in words]

    def run(self, *argv: str) -> str:
        """``bianmin ARGV``'s output; it must succeed."""
        result = CliRunner().invoke(main, list(argv), env=self.env, catch_exceptions=False)
        assert result.exit_code == 0, f"bianmin {' '.join(argv)}: {result.stderr}"
        return result.stdout


def _staff_account(bench: Bench, staff_id: str) -> None:
    """The hall account an example disables or enables, made as the page makes it."""
    listed = json.loads(bench.run("hall", "staff", "list", "--json"))
    if staff_id not in {account["staff_id"] for account in listed}:
        bench.run("hall", "staff", "add", staff_id, "--name", "王小红", "--pin", "2468")


def _alert(bench: Bench, kind: str) -> None:
    """The staff alert an example clears, raised as the kiosk raises it (找工作人员)."""
    app = build_app(load_config(bench.site), SystemClock())
    try:
        app.alerts.raise_alert(kind, "the kiosk's 找工作人员 button")
    finally:
        app.close()


# What must exist before an example can do what its page says.
GIVEN = {
    ("hall", "staff", "disable"): _staff_account,
    ("hall", "staff", "enable"): _staff_account,
    ("alerts", "clear"): _alert,
}


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    root = tmp_path_factory.mktemp("docs")
    with contextlib.ExitStack() as stack:
        platform = stack.enter_context(
            running_platform(root / "platform", catalogue=data_path("assets") / "catalogue")
        )
        reader = SimulatedReader(load_cards(sample_cards()), 115200).start()
        stack.callback(reader.close)
        reader.execute("place 0")
        tcp = VirtualPrinter(paper_for(80), None, PrinterState.READY)
        stack.callback(tcp.close)
        host, port = tcp.listen("127.0.0.1", 0)
        pty = VirtualPrinter(paper_for(80), None, PrinterState.READY)
        stack.callback(pty.close)
        printer_pty = pty.open_pty()
        scanner = stack.enter_context(SimulatedScanner("utf-8"))
        site = write_site(
            root,
            platform.site_toml()
            + f'\n[devices.idcard]\nport = "{reader.path}"\n'
            + f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n',
        )
        backups = root / "data" / "backups"
        env = {
            ENV_VAR: str(site),
            "BIANMIN_PLATFORM_DB": str(root / "staff-platform.db"),
            "BIANMIN_KEY_PASSPHRASE": "correct horse battery staple",
        }
        replace = {
            "/etc/bianmin/site.toml": str(site),
            "/srv/platform/platform.db": str(root / "staff-platform.db"),
            "/tmp/kiosk.zip": str(root / "kiosk.zip"),
            "/media/bianmin-backup": str(backups),
            "tcp://192.168.1.50:9100": f"tcp://{host}:{port}",
        }
        workdir = root / "work"
        workdir.mkdir()
        with contextlib.chdir(workdir):
            yield Bench(workdir, site, env, replace, reader.path, printer_pty, scanner.path)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_every_example_fits_the_command_tree(example):
    check_synopsis(example)


def _prefix(words: list[str], table: dict) -> tuple | None:
    for length in (2, 1):
        if tuple(words[:length]) in table:
            return tuple(words[:length])
    return None


@pytest.mark.parametrize("example", CONCRETE, ids=lambda e: e.id)
def test_every_concrete_example_runs(example, bench):
    argv = bench.argv(example)
    path, command, rest = resolve(argv)
    if isinstance(command, click.Group) and not command.invoke_without_command and path:
        pytest.skip("a group alone: its help")
    words = [*path, *rest]
    if (reason := NOT_RUN.get(_prefix(words, NOT_RUN))) is not None or (
        path == ["idcard", "watch"] and "--count" not in rest
    ):
        pytest.skip(reason or "watches until interrupted: tests/test_idcard_cli.py")
    if _missing_argument(argv):
        pytest.skip("names the command, not an example of it")
    if (given := GIVEN.get(tuple(path))) is not None:
        given(bench, *rest)
    result = CliRunner().invoke(
        main, argv, input=ANSWERS.get(tuple(path)), env=bench.env, catch_exceptions=False
    )
    allowed = EXIT_STATUS.get(_prefix(words, EXIT_STATUS), {0})
    if path == ["hall", "announce"] and "--wav" not in rest and system_player() is None:
        # No aplay, paplay or pw-play here (a build machine): the page says what happens.
        assert result.exit_code == 1 and "no sound player" in result.stderr, result.stderr
        return
    assert result.exit_code in allowed, (
        f"{example.id}: bianmin {' '.join(argv)}\n{result.stdout}{result.stderr}"
    )
    assert "Traceback" not in result.stderr


def _missing_argument(argv: list[str]) -> bool:
    """True when click would refuse ``argv`` for want of an argument (a command's name in
    prose, such as `bianmin catalogue search`)."""
    try:
        with CliRunner().isolation(input=""):  # an option that asks is not a missing one
            ctx = main.make_context("bianmin", list(argv), resilient_parsing=False)
            command: click.Command = main
            args = [*ctx._protected_args, *ctx.args]
            while isinstance(command, click.Group) and args and not args[0].startswith("-"):
                name, command, args = command.resolve_command(ctx, args)
                ctx = command.make_context(name, args, parent=ctx)
                args = [*getattr(ctx, "_protected_args", []), *ctx.args]
    except click.MissingParameter:
        return True
    except (click.exceptions.Exit, click.Abort):
        return False
    return False


# -- each command described in one place -------------------------------------------------------


def _leaves(command: click.Command = main, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    ctx = click.Context(main)
    if isinstance(command, click.Group):
        if command.invoke_without_command and path:
            yield path, command
        for name in command.list_commands(ctx):
            yield from _leaves(command.get_command(ctx, name), (*path, name))
    else:
        yield path, command


def _index() -> dict[tuple[str, ...], str]:
    """docs/commands.md: each command path and the page that describes it. In a row,
    `bianmin queue take` names a command in full and `call` after it one of its group."""
    top = set(main.list_commands(click.Context(main)))
    pages = {}
    for row in (REPO / "docs" / "commands.md").read_text("utf-8").splitlines():
        if not row.startswith("| `bianmin"):
            continue
        first, _, rest = row[2:].partition(" | ")
        page = re.search(r"\]\(([\w.-]+\.md)\)", rest).group(1)
        group = ""
        for span in re.findall(r"`([^`]+)`", first):
            words = span.split()
            if words[0] == "bianmin":
                words = words[1:]
            elif _is_command([group, *words]) or words[0] not in top:
                words = [group, *words]
            group = words[0]
            pages[tuple(w for w in words if not w.startswith("-"))] = page
    return pages


def _is_command(words: list[str]) -> bool:
    try:
        path, _, _ = resolve(words)
    except LookupError:
        return False
    return len(path) == len([w for w in words if not w.startswith("-")])


def test_every_command_is_listed_once_and_described_on_its_page():
    index = _index()
    for path, command in _leaves():
        assert path in index, f"bianmin {' '.join(path)} is not in docs/commands.md"
        page = (REPO / "docs" / index[path]).read_text("utf-8")
        assert _described(path, index[path], page), f"bianmin {' '.join(path)}: {index[path]}"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "config_path":
                assert any(opt in page for opt in param.opts), (
                    f"bianmin {' '.join(path)} {param.opts[-1]} is not in {index[path]}"
                )


def _described(path: tuple[str, ...], name: str, page: str) -> bool:
    """The page shows the command: ``bianmin PATH`` in it, an example of it (``serve|done``
    counts for each), or a table row of its group's page starting with its name."""
    if f"bianmin {' '.join(path)}" in page:
        return True
    for example in EXAMPLES:
        if example.page == f"docs/{name}":
            words = example.text.split()
            for alternative in words[len(path) - 1].split("|") if len(words) >= len(path) else ():
                if (*words[: len(path) - 1], alternative) == path:
                    return True
    row = re.compile(rf"^\| `{re.escape(path[-1])}[ `]", re.M)
    return len(path) > 1 and f"bianmin {path[0]} " in page and bool(row.search(page))


def test_the_readme_links_to_the_references_instead_of_repeating_them():
    readme = (REPO / "README.md").read_text("utf-8")
    first_screen = "\n".join(readme.splitlines()[:30])
    assert "docs/install.md" in first_screen and "make demo" in first_screen
    assert "make test" in first_screen and "docs/commands.md" in first_screen
    synopses = [e for e in EXAMPLES if e.page == "README.md" and "[" in e.text]
    assert not synopses, f"command synopses belong on the command's page: {synopses}"


# -- facts written once -----------------------------------------------------------------------


def _texts() -> Iterator[tuple[Path, str]]:
    for page in PAGES:
        yield page, page.read_text("utf-8")


def test_every_id_number_in_the_docs_has_its_check_digit():
    for page, text in _texts():
        for number in re.findall(r"(?<![\d*])\d{17}[\dX](?![\d*])", text):
            assert is_valid_id_number(number), f"{page.name}: {number}"


def test_the_seed_catalogue_is_counted_in_one_place_and_right():
    files = sorted((REPO / "assets/catalogue").glob("*.json"))
    items = [item for f in files for item in json.loads(f.read_text("utf-8"))]
    bundles = [i for i in items if i.get("bundle_items")]
    themes = {i["theme"] for i in items if not i.get("bundle_items")}
    text = " ".join((REPO / "docs" / "catalogue.md").read_text("utf-8").split())
    assert (
        f"seed holds {len(items)} items: {len(items) - len(bundles)} village- and"
        f" township-level services of Yibin (宜宾, region code 511500) in {len(themes)}"
        f" themes, and {len(bundles)} bundles"
    ) in text
    for page, other in _texts():
        for paragraph in other.split("\n\n"):
            if page.name != "catalogue.md" and "seed catalogue" in paragraph:
                assert not re.search(r"\b\d+ (?:items|bundles|themes)\b", paragraph), page.name


FIGURE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|x)\b")


def test_benchmark_figures_are_written_in_one_place():
    table = (REPO / "docs" / "benchmarks.md").read_text("utf-8")
    for script in sorted((REPO / "benchmarks").glob("*.py")):
        assert f"`benchmarks/{script.name}`" in table, script.name
    for page, text in _texts():
        if page.name == "benchmarks.md":
            continue
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        for paragraph in prose.split("\n\n"):
            if "benchmark" in paragraph.lower():
                assert not FIGURE.search(paragraph), f"{page.name}: {paragraph[:120]}"


def _defaults() -> dict[str, object]:
    raw = tomllib.loads((REPO / "config" / "default.toml").read_text("utf-8"))
    found: dict[str, object] = {}

    def walk(table: dict) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(value)
            else:
                found.setdefault(key, value)

    walk(raw)
    return found


def test_a_default_named_in_the_docs_is_the_one_in_default_toml():
    defaults = _defaults()
    for page, text in _texts():
        for line in text.splitlines():
            if "default" not in line:
                continue
            for key, value in re.findall(r"`?(\w+) = ([\w.\"]+)`?", line):
                if key in defaults and not isinstance(defaults[key], bool | list):
                    assert tomllib.loads(f"v = {value}")["v"] == defaults[key], (
                        f"{page.name}: {key} = {value}, default.toml has {defaults[key]}"
                    )


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def test_links_between_the_pages_lead_somewhere():
    for page, text in _texts():
        for target, anchor in re.findall(r"\]\(((?:docs/)?[\w.-]+\.md)(?:#([^)]+))?\)", text):
            linked = (page.parent / target) if page.parent.name == "docs" else REPO / target
            assert linked.exists(), f"{page.name} links to {target}"
            if anchor:
                headings = re.findall(r"^#+ (.+)$", linked.read_text("utf-8"), re.M)
                assert anchor in {_slug(h) for h in headings}, f"{page.name}: {target}#{anchor}"


# -- what a page says happens, happening --------------------------------------------------------


def test_a_single_bad_frame_is_retried_and_three_fail_as_idcard_md_says(tmp_path):
    reader = SimulatedReader(load_cards(sample_cards()), 115200).start()
    try:
        reader.execute("place 0")
        read = ["idcard", "read", "--port", reader.path, "--json", "--timeout", "5"]
        assert reader.execute("fault bad_check") == "ok fault bad_check x1 on read text photo"
        once = CliRunner().invoke(main, read, catch_exceptions=False)
        assert once.exit_code == 0 and json.loads(once.stdout)["name"]
        assert reader.execute("fault bad_check count=3").startswith("ok fault bad_check x3")
        thrice = CliRunner().invoke(main, read, catch_exceptions=False)
        assert thrice.exit_code == 1 and "check byte does not match" in thrice.stderr
    finally:
        reader.close()


def test_the_docs_status_example_has_every_line_status_prints(tmp_path):
    site = write_site(tmp_path)
    printed = CliRunner().invoke(main, ["--config", str(site), "status"], catch_exceptions=False)
    labels = [line.split(":", 1)[0] for line in printed.stdout.splitlines()]
    doc = (REPO / "docs" / "sync.md").read_text("utf-8")
    example = doc[doc.index("### A healthy `bianmin status`") :]
    for label in labels:
        assert f"\n{label}:" in example, label
