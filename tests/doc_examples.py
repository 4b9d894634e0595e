"""The example commands of README.md and docs/*.md, and a check of each against the click
command tree: the commands exist, the options exist and take what they are given, the
arguments fit.

An example is a ``bianmin ...`` line in a code block (fenced or indented, ``$ `` or a
unit's ``ExecStart=.../bianmin`` allowed in front) or an inline code span that starts
with ``bianmin ``. A synopsis may hold placeholders (``PORT``, ``YYYY-MM-DD``), optional
parts in brackets, alternatives (``serve|done``) and ``...``; an example with none of
those is concrete, and the doc test runs it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import click

from kiosk.cli.main import main

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# Code blocks in these languages hold no shell commands.
NOT_SHELL = {"python", "toml", "json"}

# PORT, TICKET_NO, HOST:PORT, YYYY-MM-DD, S: a word for what to write (A001 is a ticket).
_PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(?:[:.-][A-Z_]+)*(?:\.\.\.|…)?$")
_COMMAND = re.compile(r"(?:^|[\s/=])bianmin(?=\s)(.*)$")


@dataclass(frozen=True)
class Example:
    """One example command as a page shows it."""

    page: str  # README.md, docs/sync.md
    line: int
    text: str  # what follows ``bianmin``, comment removed

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    def argv(self) -> list[str]:
        return shlex.split(self.text)

    @property
    def concrete(self) -> bool:
        """No placeholder, optional part, alternative or ellipsis: a command to run."""
        if any(mark in self.text for mark in ("[", "]", "...", "…", "|", "<", ">")):
            return False
        return not any(_PLACEHOLDER.match(word) for word in self.argv())


def examples(pages: list[Path] = PAGES) -> list[Example]:
    """Every example command of the pages, in page order."""
    found = []
    for page in pages:
        name = str(page.relative_to(REPO))
        for number, text in _command_lines(page.read_text("utf-8")):
            found.append(Example(name, number, text))
    return found


def _command_lines(text: str):
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = None if fence is not None else (stripped[3:].strip() or "shell")
            continue
        in_block = (fence is not None and fence not in NOT_SHELL) or (
            fence is None and line.startswith("    ") and not stripped.startswith(("-", "|"))
        )
        if in_block:
            command = _strip(stripped)
            if command is not None:
                yield number, command
        elif fence is None:
            for span in re.findall(r"`(bianmin [^`]+)`", line):
                command = _strip(span)
                if command is not None and _names_a_command(command):
                    yield number, command


def _strip(line: str) -> str | None:
    line = line.removeprefix("$ ")
    if line.startswith("bianmin:"):  # an error line the program prints, not a command
        return None
    match = _COMMAND.search(line) if "bianmin" in line else None
    if match is None or not (line.startswith("bianmin") or "/bianmin " in line):
        return None
    rest = re.split(r"\s{2,}#|\s#\s", match.group(1), maxsplit=1)[0]
    rest = re.split(r"\s(?:&&|[<>|&])(?:\s|$)", rest, maxsplit=1)[0]  # the shell's part
    return rest.strip()


def _names_a_command(text: str) -> bool:
    """An inline ``bianmin ...`` span is a command when it starts with an option or a
    command name (``bianmin 0.1.0`` is what --version prints)."""
    first = text.split(" ", 1)[0]
    return first.startswith("-") or first in main.list_commands(click.Context(main))


# -- checking a synopsis against the command tree -------------------------------------------


def resolve(words: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """The command path, the command and the words left for it; ``--config F`` may come
    first. Raises LookupError naming what does not exist."""
    ctx = click.Context(main)
    path: list[str] = []
    command: click.Command = main
    rest = list(words)
    while isinstance(command, click.Group):
        while command is main and rest and rest[0].startswith("-"):
            option = rest.pop(0)
            if option == "--config":
                rest.pop(0)
            elif option not in ("--version", "-h", "--help"):
                raise LookupError(f"bianmin has no option {option}")
        if not rest or rest[0].startswith("-"):
            break  # sync --once: the options of the group itself
        name = rest[0]
        sub = command.get_command(ctx, name.split("|")[0])
        if sub is None:
            if getattr(command, "invoke_without_command", False):
                break  # sync --once: options of the group itself
            raise LookupError(f"no command {' '.join([*path, name])}")
        for alternative in name.split("|")[1:]:
            if alternative not in ("...", "…") and command.get_command(ctx, alternative) is None:
                raise LookupError(f"no command {' '.join([*path, alternative])}")
        path.append(rest.pop(0))
        command = sub
    return path, command, rest


def check_synopsis(example: Example) -> None:
    """Raise AssertionError when the example does not fit the command tree."""
    words = [w for w in (part.strip("[]") for part in example.argv()) if w and w != "..."]
    if words and _PLACEHOLDER.match(words[0]):
        return  # bianmin COMMAND --help
    try:
        path, command, rest = resolve(words)
    except LookupError as exc:
        raise AssertionError(f"{example.id}: bianmin {example.text}: {exc}") from None
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    options.update(
        {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.secondary_opts}
    )
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    slots = sum(1 if a.nargs == 1 else 0 for a in arguments)
    unlimited = any(a.nargs == -1 for a in arguments)
    positional: list[str] = []
    where = f"{example.id}: bianmin {example.text}"
    while rest:
        word = rest.pop(0)
        if word.startswith("-") and not _PLACEHOLDER.match(word.lstrip("-")):
            name, _, inline = word.partition("=")
            if name in ("--config",):
                rest.pop(0)
                continue
            if name in ("-h", "--help"):
                continue
            assert name in options, f"{where}: {' '.join(path)} has no option {name}"
            option = options[name]
            if option.is_flag or option.count:
                continue
            value = inline or (rest.pop(0) if rest else "")
            _check_value(option, value, where)
        else:
            positional.append(word)
    for argument, word in zip(arguments, positional, strict=False):
        if argument.nargs == 1:
            _check_value(argument, word, where)
    assert unlimited or len(positional) <= slots, (
        f"{where}: {' '.join(path)} takes {slots} argument(s), the example gives {positional}"
    )


def _check_value(param: click.Parameter, value: str, where: str) -> None:
    if not value or _PLACEHOLDER.match(value) or "..." in value or "…" in value:
        return
    if isinstance(param.type, click.Choice):
        for choice in value.split("|"):
            assert choice in param.type.choices, f"{where}: {param.name} {choice!r} not a choice"
