"""Who a text is for (language, translations, zone) and the formatting every text shares.

Renderers in each feature's texts module take a Viewer and return Telegram HTML, with
organizer and user text escaped. No Telegram here.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, localedata
from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from bot.schedule import Country, Schedule, Session

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}
# A person's formatting locale is their language plus the program country they belong to,
# as CLDR writes it (Babel): es_CO "9,1 %" -> "9,1%", es_PE "9.1%" and "setiembre", es_DO
# "9.1%", pt_BR, fr_CI, en_GH. Someone without a country (or whose language has no variant
# for it) reads their language's general variant: Latin American Spanish dates ("1 sep
# 2021") with the decimal comma, Brazilian Portuguese. The translated texts stay per language.
BABEL_LOCALES = {"en": "en", "es": "es_419", "fr": "fr", "pt": "pt_BR"}
NUMBER_LOCALES = {"en": "en", "es": "es", "fr": "fr", "pt": "pt_BR"}
# Exonyms Babel has that the people of the country do not use in this language.
CITY_NAMES = {("fr", "America/Manaus"): "Manaus"}
UTC_ZONES = ("UTC", "Etc/UTC")
_FRENCH_ELISION = re.compile(r"\bde (?=[AEIOUYHÂÉÈÊÎÔÛaeiouyh])")
# The first of the month: "1er septembre" (fr), "1º de setembro" (pt).
_FIRST = {"fr": "1er", "pt": "1º"}
_FIRST_DAY = re.compile(r"(?<!\d)1(?=\s)")
# Babel's Spanish full date has a comma after the weekday ("viernes, 18 de junio"); running
# text does not ("el viernes 18 de junio de 2021 a las 10:00").
_SPANISH_WEEKDAY_COMMA = re.compile(r"^(\w+), (?=\d)")


@functools.lru_cache(maxsize=256)
def regional_locale(lang: str, country: str | None, numbers: bool = False) -> str:
    """The CLDR locale for a language read in a program country (es + CO -> es_CO), else the
    language's general variant."""
    if country and localedata.exists(f"{lang}_{country}"):
        return f"{lang}_{country}"
    return (NUMBER_LOCALES if numbers else BABEL_LOCALES).get(lang, lang)


def flag(code: str) -> str:
    """Regional-indicator flag; clients without flag glyphs show the two letters."""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code.upper())


# Babel formatting is pure and, for a given locale, zone and instant, always the same:
# memoized, so a busy hour of /next spends its time on the wire, not re-formatting dates.
@functools.lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@functools.lru_cache(maxsize=8192)
def _time(when: datetime, zone: str, locale: str) -> str:
    return format_time(when, "HH:mm", tzinfo=ZoneInfo(zone), locale=_locale(locale))


@functools.lru_cache(maxsize=8192)
def _date(when: datetime, zone: str, fmt: str, lang: str, locale: str) -> str:
    local = when.astimezone(ZoneInfo(zone))
    text = format_date(local, fmt, locale=_locale(locale))
    if local.day == 1 and lang in _FIRST:
        text = _FIRST_DAY.sub(_FIRST[lang], text, count=1)
    if lang == "es":
        text = _SPANISH_WEEKDAY_COMMA.sub(r"\1 ", text)
    return text


@functools.lru_cache(maxsize=1024)
def _city(zone: str, lang: str) -> str:
    if (lang, zone) in CITY_NAMES:
        return CITY_NAMES[lang, zone]
    return get_timezone_location(ZoneInfo(zone), locale=_locale(lang), return_city=True)


@functools.lru_cache(maxsize=64)
def _language_name(code: str, lang: str) -> str:
    try:
        return Locale.parse(code).get_display_name(lang) or code
    except (ValueError, TypeError):
        return code


@functools.lru_cache(maxsize=8192)
def _duration(minutes: int, locale_name: str) -> str:
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    locale = _locale(locale_name)
    parts = []
    if days:
        parts.append(format_unit(days, "duration-day", locale=locale))
    if hours and days < 3:
        parts.append(format_unit(hours, "duration-hour", locale=locale))
    if mins and not days:
        parts.append(format_unit(mins, "duration-minute", locale=locale))
    if not parts:
        parts.append(format_unit(0, "duration-minute", locale=locale))
    return format_list(parts, locale=locale)


@dataclass(frozen=True)
class Viewer:
    """Who the text is for: translations, language code, IANA zone and program country.

    `places` names the program's zones in this language ("hora de Perú", "heure du Ghana"),
    from schedule.json; other zones are named by their city through a translated pattern.
    `country` (a program country's code) picks how numbers and dates are written (es + CO ->
    es_CO); the words come from the language's catalog whatever the country.
    """

    tr: gettext.NullTranslations
    lang: str
    zone: str
    places: Mapping[str, str] = field(default_factory=dict)
    country: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def locale(self) -> str:
        return regional_locale(self.lang, self.country)

    @property
    def number_locale(self) -> str:
        return regional_locale(self.lang, self.country, numbers=True)

    def time(self, when: datetime, zone: str | None = None) -> str:
        return _time(when, zone or self.zone, self.locale)

    def date(self, when: datetime, fmt: str = "full") -> str:
        """The day as the reader's country writes it, fit for running text: "1er septembre"
        (fr), "1º de setembro" (pt), no comma after the Spanish weekday."""
        return _date(when, self.zone, fmt, self.lang, self.locale)

    def at(self, when: datetime, fmt: str = "full") -> str:
        """A date and a time standing together in a sentence, through the one translated
        pattern: "el viernes 18 de junio de 2021 a las 10:00", "18 de junho, às 10:00"."""
        text = self.tr.gettext("{date} at {time}").format(
            date=self.date(when, fmt), time=self.time(when))
        if self.lang == "es" and when.astimezone(self.tz).hour == 1:  # "a la 01:30"
            text = text.replace(" a las ", " a la ", 1)
        return text

    def language_name(self, code: str) -> str:
        """A language named in the reader's language, for sentences: "francés", "francês"
        (the language picker keeps each language's own name)."""
        return _language_name(code, self.lang)

    def zone_name(self, zone: str | None = None) -> str:
        """The zone as people say it: "hora de Perú", "heure du Ghana", "horário de Manaus",
        "Amsterdam time"; plain "UTC" for people who have no zone."""
        zone = zone or self.zone
        if zone in UTC_ZONES:
            return "UTC"
        if zone in self.places:
            return self.places[zone]
        label = self.tr.gettext("{city} time").format(city=self.city(zone))
        return _FRENCH_ELISION.sub("d'", label) if self.lang == "fr" else label

    def city(self, zone: str) -> str:
        return _city(zone, self.lang)

    def number(self, n: float) -> str:
        return format_decimal(n, locale=self.number_locale)

    def percent(self, share: float) -> str:
        """A share (0.625) as the locale writes it: 62.5%, 62,5 %, 62,5%; at most a decimal."""
        return format_percent(round(share, 3), locale=self.number_locale,
                              decimal_quantization=False)

    def labelled(self, label: str, value: str) -> str:
        """"core group: 3", with the language's colon (French: a no-break space before it)."""
        return self.tr.gettext("{label}: {value}").format(label=label, value=value)

    def duration(self, delta: timedelta) -> str:
        """'1 hour and 30 minutes' (never rounded to '2 hours'); under a minute: "less than
        a minute" (never "0 minutes", which Portuguese would write "0 minuto")."""
        if delta < timedelta(minutes=1):
            return self.tr.gettext("less than a minute")
        return _duration(int(delta.total_seconds() // 60), self.locale)

    def until(self, start: datetime, now: datetime) -> str:
        """"in 3 hours", "tomorrow", "in 3 days": beyond a day, whole calendar days in the
        reader's zone (never "in 2 days and 23 hours")."""
        _ = self.tr.gettext
        delta = start - now
        if abs(delta) < timedelta(minutes=1):
            return _("starting now")
        days = (start.astimezone(self.tz).date() - now.astimezone(self.tz).date()).days
        if timedelta(hours=6) < delta < timedelta(days=2) and days == 1:
            return _("tomorrow")
        if abs(delta) > timedelta(days=1) and abs(days) > 1:
            length = format_unit(abs(days), "duration-day", locale=_locale(self.locale))
        else:
            length = self.duration(abs(delta))
        if delta > timedelta(0):
            return _("in {duration}").format(duration=length)
        return _("started {duration} ago").format(duration=length)


def country_name(country: Country, lang: str) -> str:
    return country.name.get(lang) or country.name["en"]


def session_heading(v: Viewer, session: Session) -> str:
    _ = v.tr.gettext
    return _("Session {number}: {title}").format(
        number=session.number, title=escape(session.text("title", v.lang))
    )


def world_times(v: Viewer, schedule: Schedule, when: datetime) -> str:
    """One compact line: local start time in each country's default zone."""
    return " · ".join(f"{flag(c.code)} {v.time(when, c.zone)}" for c in schedule.countries)


def when_line(v: Viewer, session: Session) -> str:
    _ = v.tr.gettext
    return _("{time} ({zone}) · {length}").format(
        time=v.time(session.start), zone=escape(v.zone_name()), length=v.duration(session.duration)
    )


ScopeAction = Literal["goals", "review", "coaching", "feedback", "people", "attendance",
                      "certificates", "questions"]


def scope_refusal(v: Viewer, schedule: Schedule, scope: frozenset[str] | None,
                  action: ScopeAction) -> str:
    """The one refusal of the one scope check (bot.membership.may_act_on): to a staff member
    limited to some countries who tried to act beyond them, naming the action and the
    countries they may act on."""
    _ = v.tr.gettext
    names = [country_name(c, v.lang) for c in schedule.countries if scope and c.code in scope]
    texts = {
        "goals": _("Sorry, you can change goals only for {countries}."),
        "review": _("Sorry, you can follow and close the closing review only for {countries}."),
        "coaching": _("Sorry, you can arrange coaching only for {countries}."),
        "feedback": _("Sorry, you can read session feedback only from {countries}."),
        "people": _("Sorry, you can see the people only of {countries}."),
        "attendance": _("Sorry, you can record attendance only for {countries}."),
        "certificates": _("Sorry, you can manage certificates only for {countries}."),
        "questions": _("Sorry, you can answer questions only from {countries}."),
    }
    countries = format_list(names, locale=v.locale) if names else "—"
    return texts[action].format(countries=escape(countries))


def program_wide_refusal(v: Viewer) -> str:
    """To a limited staff member trying something that affects the whole program."""
    return v.tr.gettext(
        "Sorry, only organizers and facilitators for every country can do that: it affects "
        "the whole program.")


def private_chat_note(v: Viewer) -> tuple[str, str]:
    """(text, button label) for a personal command sent in a group chat."""
    _ = v.tr.gettext
    return (_("This is personal, so I only answer it in our private chat. Open it with the "
              "button and send the command there."), _("Open the private chat"))
