"""Onboarding and /settings texts for one viewer (no Telegram here)."""

from __future__ import annotations

from html import escape

from bot.models import Participant
from bot.schedule import Schedule
from bot.viewer import LANGUAGE_NAMES, Viewer, country_name


def welcome(v: Viewer, schedule: Schedule) -> str:
    program = schedule.program.name
    return v.tr.gettext(
        "Welcome! I am the {program} bot. I tell you when sessions take place, in your "
        "own time zone and language."
    ).format(program=escape(program.get(v.lang) or program["en"]))


def settings_summary(v: Viewer, schedule: Schedule, person: Participant) -> str:
    _ = v.tr.gettext
    country = schedule.country(person.country)
    return "\n".join([
        "<b>" + _("Your settings") + "</b>",
        _("Language: {language}").format(language=LANGUAGE_NAMES[v.lang]),
        _("Country: {country}").format(
            country=escape(country_name(country, v.lang)) if country else "—"
        ),
        _("Time zone: {zone}").format(zone=escape(v.zone_name())),
    ])


def done_text(v: Viewer) -> str:
    _ = v.tr.gettext
    return "\n".join([
        _("All set! Times are shown in {zone}.").format(zone=escape(v.zone_name())),
        "",
        _("/next: the next session"),
        _("/schedule: the whole program"),
        _("/settings: change language, country or time zone"),
        _("/help: everything I can do"),
    ])


def several_zones(v: Viewer, country_label: str) -> str:
    return v.tr.gettext("{country} has several time zones. Which one is yours?").format(
        country=escape(country_label)
    )
