"""The message catalogue: every sentence a villager or a member of staff sees, through gettext.

Messages are looked up by a stable dotted key (``"queue.ticket.ahead"``), never by their
Chinese text, so screens, services and a second language (彝文 first) share one set of keys::

    from kiosk.core.messages import Messages

    messages = Messages("zh_CN")
    messages.get("queue.ticket.ahead", count=3)   # -> "前面还有 3 人"
    messages("home.take_number")                  # same as .get

Catalogues live in ``kiosk/locale/<language>/LC_MESSAGES/*.po``: one ``.po`` file per area
(``bianmin.po`` for the kiosk UI, ``cases.po``, ``printing.po``, ...), so areas never edit one
another's file; all of them are merged. A key defined in two files is a mistake: ``strict``
catalogues (the tests) raise, the running kiosk logs it and keeps the first file's sentence. The ``.po`` text is
compiled to the ``.mo`` form in memory when a catalogue is first loaded (the logic of Python's
``Tools/i18n/msgfmt.py``) and handed to :class:`gettext.GNUTranslations`, so there is no compiled
file to keep in step with its source. Placeholders use ``str.format`` names: ``{count}``.
"""

from __future__ import annotations

import ast
import functools
import gettext
import io
import logging
import struct
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "_",
    "CatalogueError",
    "Messages",
    "compile_po",
    "locale_dir",
    "messages_for",
    "parse_po",
]

log = logging.getLogger(__name__)

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_MO_MAGIC = 0x950412DE


class CatalogueError(Exception):
    """A ``.po`` file cannot be read; the message names the file, the line and the cause."""


def locale_dir() -> Path:
    """The folder holding ``<language>/LC_MESSAGES/*.po``, inside the installed package."""
    return _LOCALE_DIR


def parse_po(text: str, source: str = "<po>") -> dict[str, str]:
    """The translated entries of a ``.po`` file, msgid -> msgstr (the header under ``""``).

    Fuzzy entries and entries with an empty msgstr are left out, as ``msgfmt`` does.
    """
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None
    fuzzy = False
    pending_fuzzy = False

    def finish(line_no: int) -> None:
        nonlocal msgid, msgstr, current, fuzzy
        if msgid is not None:
            if msgstr is None:
                raise CatalogueError(f"{source}:{line_no}: msgid without msgstr")
            key, value = "".join(msgid), "".join(msgstr)
            if key in entries:
                raise CatalogueError(f"{source}:{line_no}: msgid {key!r} is defined twice")
            if value and not fuzzy:
                entries[key] = value
        msgid = msgstr = current = None
        fuzzy = False

    lines = text.splitlines()
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            pending_fuzzy = True
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            finish(line_no)
            fuzzy, pending_fuzzy = pending_fuzzy, False
            msgid = [_po_string(line[6:], source, line_no)]
            current = msgid
        elif line.startswith("msgstr "):
            if msgid is None or msgstr is not None:
                raise CatalogueError(f"{source}:{line_no}: msgstr without a msgid before it")
            msgstr = [_po_string(line[7:], source, line_no)]
            current = msgstr
        elif line.startswith('"'):
            if current is None:
                raise CatalogueError(f"{source}:{line_no}: a string outside any entry")
            current.append(_po_string(line, source, line_no))
        else:
            raise CatalogueError(f"{source}:{line_no}: cannot read {line[:40]!r}")
    finish(len(lines))
    return entries


def _po_string(token: str, source: str, line_no: int) -> str:
    token = token.strip()
    if not (len(token) >= 2 and token[0] == '"' and token[-1] == '"'):
        raise CatalogueError(f"{source}:{line_no}: expected a quoted string, got {token[:40]!r}")
    try:
        return ast.literal_eval(token)
    except (SyntaxError, ValueError) as exc:
        raise CatalogueError(f"{source}:{line_no}: bad string {token[:40]!r}: {exc}") from None


def compile_po(entries: dict[str, str]) -> bytes:
    """The GNU ``.mo`` bytes of these entries (no hash table), as ``msgfmt`` writes them."""
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode("utf-8"), entries[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    count = len(keys)
    key_table = 7 * 4
    value_table = key_table + count * 8
    ids_start = value_table + count * 8
    strs_start = ids_start + len(ids)
    table = []
    for id_off, id_len, str_off, str_len in offsets:
        table.append((id_len, ids_start + id_off, str_len, strs_start + str_off))
    header = struct.pack("Iiiiiii", _MO_MAGIC, 0, count, key_table, value_table, 0, 0)
    key_part = b"".join(struct.pack("ii", n, off) for n, off, _, _ in table)
    value_part = b"".join(struct.pack("ii", n, off) for _, _, n, off in table)
    return header + key_part + value_part + ids + strs


_HEADER = "Content-Type: text/plain; charset=UTF-8\nLanguage: {language}\n"


def _load(language: str, root: Path, strict: bool) -> gettext.GNUTranslations:
    folder = root / language / "LC_MESSAGES"
    files = sorted(folder.glob("*.po"))
    if not files:
        raise CatalogueError(f"{folder}: no .po catalogue for language {language!r}")
    merged: dict[str, str] = {}
    owner: dict[str, Path] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"{path}: cannot read the catalogue: {exc}") from None
        for key, value in parse_po(text, str(path)).items():
            if not key:
                continue
            if key in merged:
                problem = f"{path}: msgid {key!r} is already defined in {owner[key]}"
                if strict:
                    raise CatalogueError(problem)
                log.error("%s; keeping the first", problem)
                continue
            merged[key] = value
            owner[key] = path
    merged[""] = _HEADER.format(language=language)
    return gettext.GNUTranslations(io.BytesIO(compile_po(merged)))


class Messages:
    """The sentences of one language, looked up by key and filled with ``str.format`` values."""

    def __init__(
        self, language: str = "zh_CN", root: Path | None = None, *, strict: bool = False
    ) -> None:
        self.language = language
        self._translations = _load(language, root or _LOCALE_DIR, strict)
        self._catalog: dict[str, str] = self._translations._catalog  # type: ignore[attr-defined]

    def __contains__(self, key: str) -> bool:
        return key in self._catalog

    def __iter__(self) -> Iterator[str]:
        """Every message key of this language, sorted."""
        return iter(sorted(k for k in self._catalog if k))

    def get(self, key: str, **values: object) -> str:
        """The sentence for ``key`` with ``{name}`` placeholders filled from ``values``.

        An unknown key or a missing placeholder is logged and the key itself is returned,
        so a gap in a catalogue shows as a visible key, never as a crash on a villager's screen.
        """
        text = self._translations.gettext(key)
        if key not in self._catalog:
            log.warning("message catalogue %s has no key %r", self.language, key)
            return key
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            log.warning("message %r cannot be filled with %s: %s", key, sorted(values), exc)
            return text

    __call__ = get


@functools.cache
def messages_for(language: str = "zh_CN") -> Messages:
    """The shared, read-only catalogue of ``language`` (loaded once per process)."""
    return Messages(language)


def _(key: str, **values: object) -> str:
    """The sentence for ``key`` in the default language (zh_CN); see :meth:`Messages.get`."""
    return messages_for().get(key, **values)
