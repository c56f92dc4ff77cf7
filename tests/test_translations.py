"""Every user-facing string has a Chinese translation, and the catalogue matches the sources."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "happiness_fair" / "translations"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHODS = [("happiness_fair/**.py", "python"), ("templates/**.html", "jinja2")]


def _source_ids() -> set[str]:
    ids: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        if message:
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_source_string_is_translated_into_chinese():
    with open(TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        catalogue = read_mo(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and m.string and (m.string if isinstance(m.string, str) else m.string[0])
    }
    missing = sorted(_source_ids() - translated)
    assert missing == [], f"strings without a zh-CN translation: {missing}"


def test_english_catalogue_covers_every_string():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f)
    known = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue if m.id}
    assert sorted(_source_ids() - known) == []
