"""Every user-facing string has a Chinese translation, and the catalogue matches the sources."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "happiness_fair" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
METHODS = [("happiness_fair/**.py", "python"), ("templates/**.html", "jinja2")]


def _key(context, message) -> str:
    """A catalogue key: the msgid, behind its context when it has one (as gettext keeps it)."""
    ident = message if isinstance(message, str) else message[0]
    return f"{context}\x04{ident}" if context else ident


def _source_messages() -> list[tuple[str | None, str]]:
    return [
        (context, message if isinstance(message, str) else message[0])
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS
        )
        if message
    ]


def _source_ids() -> set[str]:
    return {_key(context, message) for context, message in _source_messages()}


def test_every_source_string_is_translated_into_chinese():
    with open(TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        catalogue = read_mo(f)
    translated = {
        _key(m.context, m.id)
        for m in catalogue
        if m.id and m.string and (m.string if isinstance(m.string, str) else m.string[0])
    }
    missing = sorted(_source_ids() - translated)
    assert missing == [], f"strings without a zh-CN translation: {missing}"


def test_english_catalogue_covers_every_string():
    with open(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f)
    known = {_key(m.context, m.id) for m in catalogue if m.id}
    assert sorted(_source_ids() - known) == []


def _po(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _text(value) -> str:
    return value if isinstance(value, str) else (value[0] if value else "")


def test_every_source_string_has_an_english_text_too():
    """msgstr may equal msgid, but it is filled: an empty one would fall back silently."""
    filled = {_key(m.context, m.id) for m in _po("en") if m.id and _text(m.string)}
    assert sorted(_source_ids() - filled) == []


def test_the_compiled_chinese_catalogue_is_the_one_in_the_po_file():
    """A .po edited without `pybabel compile` would show the old words."""
    with open(TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {_key(m.context, m.id): _text(m.string) for m in read_mo(f) if m.id}
    written = {
        _key(m.context, m.id): _text(m.string)
        for m in _po("zh_Hans_CN")
        if m.id and _text(m.string)
    }
    assert {k: v for k, v in written.items() if compiled.get(k) != v} == {}


def test_no_msgid_is_used_both_with_and_without_a_context():
    """One English word with two meanings ("Services": the catalogue, or a count of services)
    gets a context everywhere, so no plain use can take the other meaning's translation."""
    messages = _source_messages()
    plain = {message for context, message in messages if not context}
    with_context = {message for context, message in messages if context}
    assert sorted(plain & with_context) == []
    catalogue = _po("zh_Hans_CN")
    plain = {_text(m.id) for m in catalogue if m.id and not m.context}
    with_context = {_text(m.id) for m in catalogue if m.id and m.context}
    assert sorted(plain & with_context) == []


def test_ambiguous_words_read_right_in_chinese():
    chinese = {_key(m.context, m.id): _text(m.string) for m in _po("zh_Hans_CN") if m.id}
    assert chinese[_key("catalogue", "Services")] == "服务"
    assert chinese[_key("count", "Services")] == "服务次数"
    assert chinese[_key("menu", "Volunteers")] == "志愿者"
    assert chinese[_key("count", "Volunteers")] == "志愿者人数"


# Words a template shows as they are, on purpose: the language switch names each language in
# itself, and the certificate's title is the official Chinese name of the document.
DELIBERATE = {
    ("base.html", "English"),
    ("base.html", "中文"),
    ("office/certificate.html", "志愿服务记录证明"),
}
_CJK = "\u3400-\u9fff\uff00-\uffef"
_WORD = re.compile(rf"[A-Za-z][A-Za-z']+|[{_CJK}]+")
_READABLE_ATTRIBUTE = re.compile(r'\b(alt|aria-label|title|placeholder)="([^"]*)"')


def _untranslated_words(source: str) -> list[str]:
    """Words in a template's text or readable attributes that are not inside {{ }} or {% %}."""
    source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
    words = [w for _n, value in _READABLE_ATTRIBUTE.findall(source) for w in _WORD.findall(value)]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return words + _WORD.findall(text)


def test_no_template_shows_words_outside_the_catalogue():
    templates = ROOT / "templates"
    found = sorted(
        (str(path.relative_to(templates)), word)
        for path in templates.rglob("*.html")
        for word in _untranslated_words(path.read_text(encoding="utf-8"))
        if (str(path.relative_to(templates)), word) not in DELIBERATE
    )
    assert found == [], f"template text not in _(): {found}"


def test_the_check_finds_a_bare_word():
    assert _untranslated_words("<p>{{ _('Save') }}</p><p>保存</p><img alt=\"photo\">") == [
        "photo",
        "保存",
    ]
