"""The English catalogue is complete, keeps every placeholder, and its compiled .mo matches the .po.

The catalogue is read with a small standard-library parser rather than polib, so
the test adds no dependency; the .mo is read with ``struct`` for the same reason.
"""

from __future__ import annotations

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import tongban

CATALOGUE_DIRECTORY = Path(tongban.__file__).parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIRECTORY / "django.po"
MO_PATH = CATALOGUE_DIRECTORY / "django.mo"

# Source strings whose English is rightly the same text: nothing in them is Chinese.
IDENTICAL_ON_PURPOSE = {"English", "{detail}"}

# ``{name}`` for str.format messages, ``%(name)s`` / ``%s`` for %-interpolation.
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
# Separates context from message id in a compiled catalogue (GNU gettext convention).
CONTEXT_SEPARATOR = "\x04"
MO_MAGIC_LITTLE_ENDIAN = 0x950412DE


@dataclass
class Entry:
    """One message of the .po file as the parser saw it."""

    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """Where to look when an assertion fails."""
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Every live entry except the header; obsolete ``#~`` entries are left out because gettext ignores them."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None  # the keyword a continuation line extends
    pending_flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and target is not None, f"django.po:{number} stray continuation line"
            _append(current, target, ast.literal_eval(line))
            continue
        text = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
            current = Entry(line=number, flags=pending_flags)
            pending_flags = set()
            entries.append(current)
        assert current is not None, f"django.po:{number} {keyword} outside an entry"
        plural_index = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        target = ("msgstr", int(plural_index.group(1))) if plural_index else (keyword, None)
        if keyword == "msgid":
            current.line = number
        _append(current, target, text, start=True)
    return [entry for entry in entries if entry.msgid]


def _append(entry: Entry, target: tuple[str, int | None], text: str, *, start: bool = False) -> None:
    keyword, index = target
    if keyword == "msgstr":
        slot = 0 if index is None else index
        entry.msgstr[slot] = ("" if start else entry.msgstr.get(slot, "")) + text
    elif keyword in ("msgid", "msgid_plural", "msgctxt"):
        previous = "" if start else (getattr(entry, keyword) or "")
        setattr(entry, keyword, previous + text)
    else:
        raise AssertionError(f"unknown keyword {keyword!r} near django.po:{entry.line}")


def read_mo(path: Path) -> dict[str, str]:
    """The compiled catalogue as ``{original: translation}``, keys and values exactly as gettext stores them."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == MO_MAGIC_LITTLE_ENDIAN else ">"
    _revision, count, originals_at, translations_at = struct.unpack(order + "4I", data[4:20])
    messages = {}
    for index in range(count):
        length, offset = struct.unpack(order + "2I", data[originals_at + 8 * index: originals_at + 8 * index + 8])
        original = data[offset: offset + length].decode("utf-8")
        length, offset = struct.unpack(order + "2I", data[translations_at + 8 * index: translations_at + 8 * index + 8])
        messages[original] = data[offset: offset + length].decode("utf-8")
    return messages


def compiled_form(entry: Entry) -> tuple[str, str]:
    """The key and value msgfmt writes for an entry: plural forms joined by NUL, context before \\x04."""
    key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\x00{entry.msgid_plural}"
    if entry.msgctxt is not None:
        key = f"{entry.msgctxt}{CONTEXT_SEPARATOR}{key}"
    value = "\x00".join(entry.msgstr[index] for index in sorted(entry.msgstr))
    return key, value


def placeholders(text: str) -> list[str]:
    """The interpolation slots of a message, sorted so word order may differ between languages."""
    found = BRACE_PLACEHOLDER.findall(text) + PERCENT_PLACEHOLDER.findall(text)
    return sorted(slot for slot in found if slot != "%%")


ENTRIES = parse_po(PO_PATH)


def test_the_parser_reads_the_whole_catalogue() -> None:
    """Guards the parser itself: it must see every ``msgid`` line of the file except the header."""
    # Given the English .po file
    msgid_lines = sum(1 for line in PO_PATH.read_text(encoding="utf-8").splitlines() if line.startswith("msgid "))

    # When it is parsed
    # Then every entry is found (the header is the one msgid "" left out)
    assert len(ENTRIES) == msgid_lines - 1
    assert len(ENTRIES) > 500


def test_every_message_has_an_english_translation_and_none_is_fuzzy() -> None:
    """Each source string, singular and plural forms alike, has a reviewed (not fuzzy) English text."""
    # Given the parsed catalogue
    # When the entries are checked for empty or fuzzy translations
    untranslated = [entry.label for entry in ENTRIES if not entry.msgstr or not all(entry.msgstr.values())]
    fuzzy = [entry.label for entry in ENTRIES if "fuzzy" in entry.flags]
    incomplete_plurals = [
        entry.label for entry in ENTRIES if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]
    ]

    # Then there are none
    assert untranslated == []
    assert fuzzy == []
    assert incomplete_plurals == []


def test_no_translation_is_left_in_chinese() -> None:
    """A translation that still contains Chinese characters was copied, not translated."""
    # Given a pattern for CJK ideographs
    chinese = re.compile(r"[\u4e00-\u9fff]")

    # When every translation is searched for one
    left_in_chinese = [entry.label for entry in ENTRIES if any(chinese.search(text) for text in entry.msgstr.values())]

    # Then none is found
    assert left_in_chinese == []


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: f"line{entry.line}")
def test_translation_keeps_the_placeholders_of_its_source(entry: Entry) -> None:
    """A lost or renamed ``{name}`` / ``%(name)s`` raises KeyError when the message is shown."""
    # Given the placeholders of the source string (a plural entry's forms share one set)
    expected = placeholders(entry.msgid if entry.msgid_plural is None else entry.msgid_plural)

    # When each English form is inspected
    # Then it has exactly the same placeholders
    for index, text in entry.msgstr.items():
        assert placeholders(text) == expected, f"{entry.label} msgstr[{index}]={text!r}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    """The committed .mo was compiled from the current .po: same messages, same English."""
    # Given the messages the .po says msgfmt should write (the header is compiled too)
    expected = dict(compiled_form(entry) for entry in ENTRIES)

    # When the committed .mo is read
    compiled = read_mo(MO_PATH)
    compiled.pop("", None)

    # Then it holds exactly those messages
    assert sorted(set(expected) - set(compiled)) == []
    assert sorted(set(compiled) - set(expected)) == []
    assert {key: value for key, value in compiled.items() if expected[key] != value} == {}


def test_django_serves_the_english_catalogue() -> None:
    """Through Django's own machinery every source string comes out in English under the "en" locale."""
    # Given the English locale is active
    with translation.override("en"):
        # When each singular message is looked up
        still_source = [
            entry.label
            for entry in ENTRIES
            if entry.msgid_plural is None
            and entry.msgctxt is None
            and entry.msgid not in IDENTICAL_ON_PURPOSE
            and translation.gettext(entry.msgid) == entry.msgid
        ]
        # And each plural message is looked up for one and for several
        wrong_plurals = [
            entry.label
            for entry in ENTRIES
            if entry.msgid_plural is not None
            and entry.msgctxt is None
            and (
                translation.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstr[0]
                or translation.ngettext(entry.msgid, entry.msgid_plural, 3) != entry.msgstr[1]
            )
        ]

    # Then each has its English text
    assert still_source == []
    assert wrong_plurals == []
