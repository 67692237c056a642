"""gettext catalogs under locales/, compiled from the .po files at start (no manual step)."""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import LANGUAGES

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


class CatalogError(Exception):
    """One line: file and problem."""


def normalize_language(code: str | None, default: str = "en") -> str:
    """Telegram's language_code (pt-BR, es-419, fr) -> one of ours, else the default."""
    if not code:
        return default
    try:
        language = Locale.parse(code.replace("_", "-"), sep="-").language
    except (ValueError, TypeError, UnknownLocaleError):
        language = code.split("-")[0].split("_")[0].lower()
    return language if language in LANGUAGES else default


def _compile(po_path: Path) -> bytes:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parent.parent.name)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    if fuzzy:
        # Fuzzy entries are silently dropped from .mo files: refuse instead.
        raise CatalogError(f"{po_path}: fuzzy entry {fuzzy[0]!r}")
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def catalog_problems(localedir: Path = LOCALES_DIR) -> list[str]:
    """Untranslated or fuzzy entries, one line each: file, msgid, problem."""
    problems = []
    for lang in LANGUAGES:
        po_path = localedir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.exists():
            problems.append(f"{po_path}: missing catalog")
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{po_path}: {message.id!r}: fuzzy")
            elif not all(strings):
                problems.append(f"{po_path}: {message.id!r}: not translated")
    return problems


class I18n:
    """One translations object per language, compiled once at start."""

    def __init__(self, localedir: Path = LOCALES_DIR, default: str = "en") -> None:
        self.default = default
        self._translations: dict[str, gettext.NullTranslations] = {}
        for lang in LANGUAGES:
            po_path = localedir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            if not po_path.exists():
                raise CatalogError(f"{po_path}: missing catalog")
            # Compiled in memory: nothing is written next to the installed source.
            data = _compile(po_path)
            self._translations[lang] = gettext.GNUTranslations(io.BytesIO(data))

    def get(self, lang: str | None) -> gettext.NullTranslations:
        return self._translations.get(lang or self.default) or self._translations[self.default]
