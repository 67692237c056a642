"""Read as a native of each country would (issue 27): plurals agree with the count they stand
beside, no country after a preposition, each country's numbers and dates (CLDR via Babel),
one "{date} at {time}" pattern, quotes and "n.º" translated, never hard-coded."""

from __future__ import annotations

import ast
import difflib
import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.config import LANGUAGES, load_settings
from bot.i18n import LOCALES_DIR, I18n
from bot.models import Participant
from bot.schedule import load_schedule
from bot.services import Services
from tests.helpers import ROOT

PAIRS = [(1, 5), (0, 11), (5, 1)]
# The placeholders that hold a count of something (others hold a date, a name, a mean...).
COUNTS = {"attended", "total", "answered", "members", "n", "checked", "expected", "done",
          "rated", "goals", "left", "needed", "more", "remaining", "used", "hours", "min",
          "max", "count"}


@pytest.fixture(scope="module")
def svc() -> Services:
    settings = load_settings(env_file=None, telegram_bot_token="1:x")
    return Services(settings=settings, schedule=load_schedule(ROOT / "schedule.json"),
                    i18n=I18n(), clock=None)  # type: ignore[arg-type]


def _catalog(lang: str) -> Catalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _msgstrs(lang: str) -> list[str]:
    out: list[str] = []
    for m in _catalog(lang):
        if m.id:
            out += [str(t) for t in (m.string if isinstance(m.string, tuple) else (m.string,))]
    return out


def _fields(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def _governing() -> dict[str, str]:
    """For each ngettext call in the code: its singular msgid -> the placeholder whose value
    picks the plural form (the keyword given the same expression as ngettext's count)."""
    found: dict[str, str] = {}
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls: list[ast.Call] = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format"):
                continue
            call = node.func.value
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "ngettext" and len(call.args) == 3
                    and isinstance(call.args[0], ast.Constant)):
                continue
            count = ast.unparse(call.args[2])
            for kw in node.keywords:
                if kw.arg and ast.unparse(kw.value).endswith(count):
                    found[str(call.args[0].value)] = kw.arg
            calls.append(call)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "ngettext" and len(node.args) == 3
                    and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value) not in found):
                # formatted later (`steps = ngettext(..., total)`): the count's own name
                name = re.sub(r"^.*\.|\W", "", ast.unparse(node.args[2]).split("(")[-1])
                if name in _fields(str(node.args[0].value)):
                    found[str(node.args[0].value)] = name
    return found


TOKEN = re.compile(r"\{\w+\}|[\w’'-]+|\S")


def _agreement_errors(singular: str, plural: str, governing: str, counts: list[str]) -> list:
    """Words that change between the singular and plural forms must stand nearer the
    governing count than any other count."""
    a, b = TOKEN.findall(singular), TOKEN.findall(plural)
    errors = []
    for form, tokens, spans in ((singular, a, "i"), (plural, b, "j")):
        places = {name: [i for i, t in enumerate(tokens) if t == "{" + name + "}"]
                  for name in counts}
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
            if tag == "equal":
                continue
            for k in range(i1, i2) if spans == "i" else range(j1, j2):
                distance = {name: min((abs(k - p) for p in ps), default=99)
                            for name, ps in places.items()}
                if distance[governing] > min(distance.values()):
                    errors.append((form, tokens[k]))
    return errors


@pytest.mark.parametrize("lang", LANGUAGES)
def test_two_count_plurals_agree_with_the_count_beside_the_noun(lang: str) -> None:
    governing = _governing()
    tr = I18n().get(lang)
    catalog = _catalog(lang)
    checked = 0
    for m in catalog:
        if not isinstance(m.id, tuple):
            continue
        counts = [f for f in _fields(m.id[1]) if f in COUNTS]
        if len(counts) < 2:
            continue
        assert m.id[0] in governing, f"no ngettext call found for {m.id[0]!r}"
        rule = governing[m.id[0]]
        one, many = tr.ngettext(m.id[0], m.id[1], 1), tr.ngettext(m.id[0], m.id[1], 5)
        assert not _agreement_errors(one, many, rule, counts), (lang, m.id[0], rule)
        for first, other in PAIRS:
            values: dict[str, object] = {f: "X" for f in _fields(m.id[1])}
            values.update({f: (first if i == 0 else other) for i, f in enumerate(counts)})
            n = first if counts.index(rule) == 0 else other
            text = tr.ngettext(m.id[0], m.id[1], n).format(**values)
            assert "{" not in text, (lang, m.id[0], first, other)
        checked += 1
    assert checked >= 10


ATTENDANCE = {
    "en": ["Attendance: 1 of 5 sessions (20%)", "Attendance: 0 of 11 sessions (0%)",
           "Attendance: 5 of 1 session (500%)"],
    "es": ["Asistencia: 1 de 5 sesiones (20\u00a0%)", "Asistencia: 0 de 11 sesiones (0\u00a0%)",
           "Asistencia: 5 de 1 sesión (500\u00a0%)"],
    "fr": ["Présence\u00a0: 1 sur 5 sessions (20\u00a0%)",
           "Présence\u00a0: 0 sur 11 sessions (0\u00a0%)",
           "Présence\u00a0: 5 sur 1 session (500\u00a0%)"],
    "pt": ["Presença: 1 de 5 sessões (20%)", "Presença: 0 de 11 sessões (0%)",
           "Presença: 5 de 1 sessão (500%)"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_attendance_on_me_reads_naturally(svc: Services, lang: str) -> None:
    from bot.attendance.rules import Progress
    from bot.attendance.texts import progress_text

    v = svc.viewer_for(lang, "UTC")
    seen = []
    for attended, total in PAIRS:
        p = Progress(cells=[], attended=attended, total=total, needed=0, remaining=0,
                     threshold=0)
        seen.append(progress_text(v, p).splitlines()[1])
    assert seen == ATTENDANCE[lang]
    hours = v.tr.gettext("Sessions attended: {attended} of {total} ({hours})")
    assert hours.format(attended=1, total=11, hours="2 h").startswith(
        {"en": "Sessions attended: 1 of 11", "es": "Asistencia: 1 de 11 sesiones",
         "fr": "Présence\u00a0: 1 sur 11 sessions", "pt": "Presença: 1 de 11 sessões"}[lang])


PREPOSITIONS = {
    "fr": r"de|du|des|pour|à|au|aux|en|avec|sur|par|dans|chez|entre|sans",
    "pt": r"de|do|da|dos|das|para|em|no|na|nos|nas|ao|aos|à|com|por|pelo|pela|sem|entre",
}


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_no_country_stands_bare_after_a_preposition(lang: str) -> None:
    """The code cannot choose "du Pérou" / "da Colômbia": the glossary's "({country})"."""
    bare = re.compile(rf"(?i)\b(?:{PREPOSITIONS[lang]})\s+\{{countr\w*\}}")
    bad = [text for text in _msgstrs(lang) if bare.search(text)]
    assert not bad, bad


def _person(lang: str, country: str | None) -> Participant:
    now = datetime(2021, 3, 20, tzinfo=UTC)
    return Participant(1, lang, country, None, None, "Ana", None, None, "participant", False,
                       True, now, now)


# What Babel (CLDR) writes for each country: 1/11 as a percentage, 1000, and 1 September
# 2021 (full and medium).
COUNTRY_FORMS = [
    ("es", "CO", "9,1%", "1.000", "miércoles 1 de septiembre de 2021", "1/09/2021"),
    ("es", "PE", "9.1%", "1,000", "miércoles 1 de setiembre de 2021", "1 set. 2021"),
    ("es", "DO", "9.1%", "1,000", "miércoles 1 de septiembre de 2021", "1 sep 2021"),
    ("pt", "BR", "9,1%", "1.000", "quarta-feira, 1º de setembro de 2021", "1º de set. de 2021"),
    ("fr", "CI", "9,1\u00a0%", "1\u202f000", "mercredi 1er septembre 2021", "1er sept. 2021"),
    ("en", "GH", "9.1%", "1,000", "Wednesday, 1 September 2021", "1 Sept 2021"),
    # outside the six countries (or no variant for the pair): the language's general variant
    ("es", None, "9,1\u00a0%", "1.000", "miércoles 1 de septiembre de 2021", "1 sep 2021"),
    ("en", "CO", "9.1%", "1,000", "Wednesday, September 1, 2021", "Sep 1, 2021"),
    ("fr", "GH", "9,1\u00a0%", "1\u202f000", "mercredi 1er septembre 2021", "1er sept. 2021"),
]


@pytest.mark.parametrize(("lang", "country", "percent", "thousand", "full", "medium"),
                         COUNTRY_FORMS)
def test_a_persons_numbers_and_dates_follow_their_country(
        svc: Services, lang: str, country: str | None, percent: str, thousand: str, full: str,
        medium: str) -> None:
    v = svc.viewer(_person(lang, country))
    day = datetime(2021, 9, 1, 18, tzinfo=UTC)
    assert (v.percent(1 / 11), v.number(1000)) == (percent, thousand)
    assert (v.date(day), v.date(day, "medium")) == (full, medium)


def test_a_group_chat_reads_its_countrys_forms(svc: Services) -> None:
    """Messages to a linked group chat only know its language and zone: the zone's country."""
    assert svc.viewer_for("es", "America/Bogota").percent(1 / 11) == "9,1%"
    assert svc.viewer_for("es", "America/Lima").percent(1 / 11) == "9.1%"
    assert svc.viewer_for("es", "America/Lima").date(datetime(2021, 9, 1, 18, tzinfo=UTC),
                                                     "long") == "1 de setiembre de 2021"
    assert svc.viewer_for("pt", "America/Manaus").percent(1 / 11) == "9,1%"
    assert svc.viewer_for("es", "Europe/Paris").percent(1 / 11) == "9,1\u00a0%"


AT = {
    "en": "Friday, June 18, 2021 at 10:00",
    "es": "viernes 18 de junio de 2021 a las 10:00",
    "fr": "vendredi 18 juin 2021 à 10:00",
    "pt": "sexta-feira, 18 de junho de 2021, às 10:00",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_date_and_a_time_are_joined_by_one_translated_pattern(svc: Services,
                                                                 lang: str) -> None:
    v = svc.viewer_for(lang, "America/Santo_Domingo")
    start = datetime(2021, 6, 18, 14, tzinfo=UTC)
    assert v.at(start) == AT[lang]
    if lang == "es":  # one o'clock is singular
        assert v.at(start - timedelta(hours=9)).endswith(" a la 01:00")
    from bot.reminders.texts import moved_text
    from bot.schedule import load_schedule as load

    session = load(ROOT / "schedule.json").sessions[0]
    text = moved_text(v, session.model_copy(update={"start": start}), start)
    assert AT[lang] in text
    # No other sentence joins a date and a time by itself: it takes {when} from Viewer.at().
    for m in _catalog(lang):
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        assert not any("{date}" in i and "{time}" in i and i != "{date} at {time}"
                       for i in ids), m.id


def test_nudges_beyond_a_day_count_whole_days(svc: Services) -> None:
    start = datetime(2021, 3, 24, 14, tzinfo=UTC)
    es = svc.viewer_for("es", "America/Lima")
    assert es.until(start, start - timedelta(days=2, hours=23)) == "en 3 días"
    assert es.until(start, start - timedelta(days=3)) == "en 3 días"
    assert svc.viewer_for("fr", "UTC").until(start, start - timedelta(days=4, hours=2)) == \
        "dans 4\u00a0jours"
    assert es.until(start, start - timedelta(hours=3)) == "en 3 horas"
    pt = svc.viewer_for("pt", "UTC")
    assert pt.tr.gettext("{duration} ago").format(duration=pt.duration(timedelta(seconds=30))) \
        == "há menos de um minuto"  # never "há 0 minuto"


@pytest.mark.parametrize(("lang", "french"), [("es", "francés"), ("fr", "français"),
                                              ("pt", "francês"), ("en", "French")])
def test_languages_are_named_in_the_readers_language(svc: Services, lang: str,
                                                     french: str) -> None:
    from bot.broadcasts.texts import preview_header, version_prompt

    v = svc.viewer_for(lang, "UTC")
    assert f" {french}" in version_prompt(v, "fr")
    assert f" {french}" in preview_header(v, "fr", 3)
    assert "Français" not in version_prompt(v, "fr")


def _literals(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """(line, text, followed by a value) of every string literal outside gettext calls and
    docstrings."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in {"_", "gettext", "ngettext", "N_"}:
                skip.update(id(n) for arg in node.args for n in ast.walk(arg))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            for i, part in enumerate(parts):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    skip.add(id(part))
                    nxt = i + 1 < len(parts) and isinstance(parts[i + 1], ast.FormattedValue)
                    out.append((part.lineno, part.value, nxt))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value, False))
    return out


def test_no_hard_coded_quotes_or_number_signs_in_texts() -> None:
    """Quotation marks and "n.º" differ per language (« », “ ”, n.º, n°): they live in the
    catalogs. "« " alone is the back-arrow of a button, not a quotation mark."""
    files = [p for p in (ROOT / "bot").rglob("*.py")
             if p.name in {"texts.py", "keyboards.py", "viewer.py"} or p.parent.name == "help"]
    files += list((ROOT / "handlers").rglob("*.py"))
    bad = []
    for path in files:
        for line, text, before_value in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            quote = any(q in text for q in "»“”") or ("«" in text and text != "« ")
            number = before_value and text.endswith("#")
            if quote or number:
                bad.append(f"{Path(path).relative_to(ROOT)}:{line}: {text!r}")
    assert not bad, bad


@pytest.mark.parametrize(("lang", "quoted", "number"), [
    ("en", "“ok”", "#7"), ("es", "«ok»", "n.º 7"), ("fr", "«\u00a0ok\u00a0»", "n°\u00a07"),
    ("pt", "“ok”", "nº 7")])
def test_quotes_and_numbers_are_translated(svc: Services, lang: str, quoted: str,
                                           number: str) -> None:
    v = svc.viewer_for(lang, "UTC")
    assert v.tr.gettext("“{text}”").format(text="ok") == quoted
    assert v.tr.gettext("#{id}").format(id=7) == number
    if lang == "pt":  # Brazilian quotation marks are “ ”, never « » or straight quotes
        assert not [t for t in _msgstrs(lang) if "«" in t or '"' in t]


@pytest.mark.parametrize(("lang", "banned"), [
    ("es", r"\b[Pp]uls[aeo]|¡[Bb]ienvenid[oa]!|agricultores"),
    ("fr", r"\b[Tt]ouch|\bvous devriez\b"),
    ("pt", r"atrasado\(a\)|agricultores|\bvocê deveria\b|\{count\} de vezes"),
])
def test_the_glossary_words_replace_the_old_ones(lang: str, banned: str) -> None:
    """es "toque" and "Le damos la bienvenida", fr "appuyez sur", pt "com atraso", the
    producers' cooperative, no calque of "if you should be"."""
    assert not [t for t in _msgstrs(lang) if re.search(banned, t)]
    assert "Si usted debería" not in " ".join(_msgstrs("es"))
