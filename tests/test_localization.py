"""Texts read as a native wrote them: zone labels, numbers, plurals, French typography,
"tomorrow", short dates, the contact (issue 14)."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta

import pytest
from babel.messages.pofile import read_po

from bot.config import LANGUAGES, load_settings
from bot.i18n import LOCALES_DIR, I18n
from bot.schedule import Schedule, load_schedule, schedule_warnings
from bot.services import Services
from tests.helpers import ROOT

ZONES = ["Africa/Accra", "Africa/Abidjan", "America/Bogota", "America/Lima",
         "America/Sao_Paulo", "America/Manaus", "America/Santo_Domingo", "Europe/Amsterdam",
         "America/New_York", "UTC"]
LABELS = {
    "en": ["Ghana time", "Côte d'Ivoire time", "Colombia time", "Peru time", "Brasília time",
           "Manaus time", "Dominican Republic time", "Amsterdam time", "New York time", "UTC"],
    "es": ["hora de Ghana", "hora de Costa de Marfil", "hora de Colombia", "hora de Perú",
           "hora de Brasilia", "hora de Manaos", "hora de República Dominicana",
           "hora de Ámsterdam", "hora de Nueva York", "UTC"],
    "fr": ["heure du Ghana", "heure de la Côte d'Ivoire", "heure de la Colombie",
           "heure du Pérou", "heure de Brasília", "heure de Manaus",
           "heure de la République dominicaine", "heure d'Amsterdam", "heure de New York",
           "UTC"],
    "pt": ["horário de Gana", "horário da Costa do Marfim", "horário da Colômbia",
           "horário do Peru", "horário de Brasília", "horário de Manaus",
           "horário da República Dominicana", "horário de Amsterdã", "horário de Nova York",
           "UTC"],
}


@pytest.fixture(scope="module")
def svc() -> Services:
    settings = load_settings(env_file=None, telegram_bot_token="1:x")
    return Services(settings=settings, schedule=load_schedule(ROOT / "schedule.json"),
                    i18n=I18n(), clock=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_zone_labels_come_from_the_programs_names(svc: Services, lang: str) -> None:
    assert [svc.viewer_for(lang, zone).zone_name() for zone in ZONES] == LABELS[lang]
    assert svc.viewer_for(lang, None).zone_name() == "UTC"


def test_a_known_country_without_a_zone_shows_its_default_zone(svc: Services) -> None:
    from bot.models import Participant

    now = datetime(2021, 3, 20, tzinfo=UTC)
    person = Participant(1, "fr", "CI", None, None, "Awa", None, None, "participant", False,
                         True, now, now)
    assert svc.viewer(person).zone_name() == "heure de la Côte d'Ivoire"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["9.1%", "80%", "100%"]),
    ("es", ["9,1\u00a0%", "80\u00a0%", "100\u00a0%"]),
    ("fr", ["9,1\u00a0%", "80\u00a0%", "100\u00a0%"]),
    ("pt", ["9,1%", "80%", "100%"]),
])
def test_percentages_follow_the_locale(svc: Services, lang: str, expected: list[str]) -> None:
    v = svc.viewer_for(lang, "UTC")
    assert [v.percent(x) for x in (1 / 11, 0.8, 1.0)] == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Sep 1, 2021"), ("es", "1 sep 2021"), ("fr", "1er sept. 2021"),
    ("pt", "1º de set. de 2021"),
])
def test_short_dates_use_the_regions_forms(svc: Services, lang: str, expected: str) -> None:
    v = svc.viewer_for(lang, "UTC")
    assert v.date(datetime(2021, 9, 1, 14, tzinfo=UTC), "medium") == expected
    assert "1er" not in v.date(datetime(2021, 9, 11, 14, tzinfo=UTC), "medium")
    assert "º" not in v.date(datetime(2021, 9, 11, 14, tzinfo=UTC), "medium")


@pytest.mark.parametrize(("lang", "word"), [
    ("en", "tomorrow"), ("es", "mañana"), ("fr", "demain"), ("pt", "amanhã")])
def test_the_day_before_a_session_says_tomorrow(svc: Services, lang: str, word: str) -> None:
    start = datetime(2021, 3, 24, 14, tzinfo=UTC)
    v = svc.viewer_for(lang, "America/Lima")
    assert v.until(start, start - timedelta(days=1)) == word
    assert v.until(start, start - timedelta(hours=1)) != word
    assert v.until(start, start - timedelta(days=3)) != word


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_entry_renders_for_0_1_2_and_5(lang: str) -> None:
    tr = I18n().get(lang)
    plurals = [m for m in _catalog(lang) if isinstance(m.id, tuple)]
    assert plurals
    for m in plurals:
        fields = {name for _, name, _, _ in string.Formatter().parse(m.id[1]) if name}
        for n in (0, 1, 2, 5):
            text = tr.ngettext(m.id[0], m.id[1], n).format(**{f: n for f in fields})
            assert "{" not in text, (lang, m.id[0], n)
    sample = ("{n} person", "{n} people")
    assert [tr.ngettext(*sample, n).format(n=n) for n in (0, 1, 2)] == {
        "en": ["0 people", "1 person", "2 people"],
        "es": ["0 personas", "1 persona", "2 personas"],
        "fr": ["0 personne", "1 personne", "2 personnes"],
        "pt": ["0 pessoas", "1 pessoa", "2 pessoas"],  # Brazilian usage: 0 is plural
    }[lang]


FRENCH_SPACE = re.compile(r" [:;?!»]|« ")


def test_french_has_no_break_spaces_before_high_punctuation(schedule: Schedule) -> None:
    bad = []
    for m in _catalog("fr"):
        if not m.id:
            continue
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            if FRENCH_SPACE.search(text):
                bad.append(text)
    texts = [schedule.program.name["fr"], schedule.program.contact.get("fr", "")]
    for s in schedule.sessions:
        texts += [s.title["fr"], s.description.get("fr", ""), *s.goals.get("fr", [])]
    bad += [t for t in texts if FRENCH_SPACE.search(t)]
    assert not bad, bad[:5]


def test_the_program_ships_its_published_contact(schedule: Schedule) -> None:
    # The shipped file has no join link yet: warned about (tests/test_join_links_missing.py).
    assert [w for w in schedule_warnings(schedule) if "contact" in w.split(":")[0]] == []
    for lang in LANGUAGES:
        assert "catalina.vonhildebrand@alisos.net" in schedule.program.contact[lang]
    placeholder = schedule.model_copy(update={"program": schedule.program.model_copy(
        update={"contact": {"en": "Contact us — replace this text in schedule.json."}})})
    assert schedule_warnings(placeholder)[0] == (
        "program.contact.en still says to replace it: "
        "'Contact us — replace this text in schedule.json.'")


def test_the_glossary_terms_are_used(schedule: Schedule) -> None:
    """A few terms the glossary fixes: no "pointer" (fr), no "metas" (pt), no "séance" (fr),
    no "tarde" for late (es), "MNV" in French."""
    fr = " ".join(str(m.string) for m in _catalog("fr") if m.id)
    assert "point" not in fr.replace("point de", "").replace("points", "")
    es_late = next(m.string for m in _catalog("es") if m.id == "late")
    assert es_late == "con retraso"
    pt_texts = " ".join(str(s.goals.get("pt")) + s.description.get("pt", "")
                        for s in schedule.sessions)
    assert "metas" not in pt_texts
    fr_texts = " ".join(s.title["fr"] + s.description.get("fr", "") for s in schedule.sessions)
    assert "séance" not in fr_texts.lower() and "MNV" in fr_texts
    assert (ROOT / "locales" / "GLOSSARY.md").exists()
