"""Catalogs are complete, never fuzzy, and cover every msgid used in the code."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.config import LANGUAGES
from bot.i18n import LOCALES_DIR, I18n, catalog_problems, normalize_language

ROOT = Path(__file__).resolve().parent.parent


def _code_msgids() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"_": None, "N_": None,
                                                                       "ngettext": (1, 2)}
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_no_untranslated_or_fuzzy_entries() -> None:
    assert catalog_problems() == []


def test_every_msgid_in_code_is_in_every_catalog() -> None:
    used = _code_msgids()
    assert len(used) > 30
    for lang in LANGUAGES:
        with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
        missing = sorted(used - ids)
        assert not missing, f"{lang}: missing {missing[:5]}"


def test_translations_load_and_differ() -> None:
    i18n = I18n()
    assert i18n.get("es").gettext("Next session") != "Next session"
    assert i18n.get("xx").gettext("Next session") == "Next session"


def test_language_code_normalisation() -> None:
    assert normalize_language("pt-BR") == "pt"
    assert normalize_language("es-419") == "es"
    assert normalize_language("fr") == "fr"
    assert normalize_language("de", "es") == "es"
    assert normalize_language(None, "fr") == "fr"
    assert normalize_language("", "en") == "en"
