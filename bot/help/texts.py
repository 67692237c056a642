"""What the bot can do: /help and the command menus (no Telegram here).

Everyone gets the participant menu (per language); staff get their own menu in their chat
(bot/help/menus.py): the participant commands plus their role's tools, the same commands
their /help section explains.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.models import Role
from bot.schedule import Schedule
from bot.viewer import Viewer, country_name, flag


def command_menu(v: Viewer) -> list[tuple[str, str]]:
    """(command, description) for Telegram's menu (setMyCommands)."""
    _ = v.tr.gettext
    return [
        ("next", _("When is the next session")),
        ("schedule", _("The whole program")),
        ("session", _("One session in full, e.g. /session 3")),
        ("reminders", _("Turn session reminders on or off")),
        ("checkin", _("Check in to the session running now")),
        ("me", _("My attendance and certificate progress")),
        ("goals", _("My group's goals and action plan")),
        ("network", _("Networking: meet people who offer what you seek")),
        ("ask", _("Write to the organizers")),
        ("settings", _("Language, country and time zone")),
        ("help", _("What this bot can do")),
        ("start", _("Start again")),
    ]


def _facilitator_section(v: Viewer) -> list[str]:
    _ = v.tr.gettext
    return [
        _("/people: who takes part; /people PE core narrows it to a country and group"),
        _("/person ID or @username: one person's card; move them to the other group or "
          "another country, or take them out of the program · /export people: the list as "
          "files"),
        _("/attendance 3: who checked in to session 3 (default: the current or last one)"),
        _("/code 3: show, generate, set or remove session 3's check-in code"),
        _("/correct 3 PERSON present|absent REASON: correct someone's attendance; they are "
          "told"),
        _("/broadcast: send an announcement to chosen groups, countries or languages"),
        _("/broadcasts: the latest announcements and their delivery; cancel one"),
        _("/goals all: every country's goals and progress"),
        _("/review: the closing review; you can open it before the last session"),
        _("/coaching: every core group's coaching; /coaching GH polls times for Ghana's, "
          "books one, moves or cancels it"),
        _("/stats: charts of attendance, goals and session feedback for your countries, as "
          "pictures"),
        _("/materials 3: attach files and links to session 3 (its participants get them "
          "when it ends); list or remove them"),
        _("/feedback 3 (or /feedback 3 GH): how participants rated session 3, by country, with "
          "their comments"),
        _("/certificates: who has earned a certificate of completion, by country"),
        _("/questions: questions to the organizers still waiting for an answer; reply to a "
          "copied question to answer it"),
        _("/digest: after each session, who in your countries missed it, questions waiting "
          "and goals without progress; turn it off or on"),
        _("/networking: networking profiles, requests and introductions per pair of "
          "countries"),
        _("/breakouts 9 4: four mixed breakout rooms from the people checked in to session 9; "
          "each person is told their room once you confirm"),
    ]


def _organizer_section(v: Viewer) -> list[str]:
    _ = v.tr.gettext
    return [
        _("/invite: an invitation link for a core or wider group"),
        _("/invites: the active invitation links; withdraw one"),
        _("/roster: import a roster (CSV or XLSX) and get a personal invitation link for each "
          "person, ready for a mail merge"),
        _("/grant facilitator PERSON [COUNTRY ...] or /grant cofacilitator PERSON: give "
          "facilitator rights"),
        _("/revoke facilitator PERSON: take them back"),
        _("/export or /export goals: attendance or goals as CSV and Excel files"),
        _("/export networking: anonymous networking counts as CSV and Excel files"),
        _("/reload: read schedule.json again and rebuild the reminders (the changes made in "
          "the chat stay on top of it)"),
        _("/joinlink URL [passcode]: the program's join link · /joinlink 3 URL: session 3's "
          "own · /joinlink GH URL: Ghana's coaching · /joinlink 3 off: remove it"),
        _("/move 4 2021-04-21 15:00: move session 4 (your time zone; everyone is told) · "
          "/changes: the changes in force, each can be undone"),
        _("/export coaching: the coaching hours and their attendance as CSV and Excel files"),
        _("/export feedback: session ratings and comments as CSV and Excel files"),
        _("/certificates: also ask people to confirm their names, and issue the certificates "
          "· /revokecert CODE: revoke one · /export certificates: the register as files"),
        _("/status: version, uptime, storage, people per group, next jobs, pending "
          "deliveries and the last errors"),
        _("/link PE core (inside a group chat): post that country's reminders there · "
          "/unlink: stop"),
    ]


def countries_label(v: Viewer, schedule: Schedule, codes: Iterable[str]) -> str:
    """"🇨🇴 Colombia, 🇵🇪 Peru" (sorted by code; an unknown code as is)."""
    names = []
    for code in sorted(codes):
        found = schedule.country(code)
        names.append(f"{flag(code)} {escape(country_name(found, v.lang))}" if found
                     else escape(code))
    return ", ".join(names)


def help_text(v: Viewer, schedule: Schedule, role: Role = "participant",
              countries: Iterable[str] = (), *, core: bool = True) -> str:
    """/help: the participant part, then the staff tools of the role (countries: the ones a
    facilitator is limited to; empty for all). core: False leaves out what only core group
    members have (coaching)."""
    _ = v.tr.gettext
    lines = [
        "<b>" + _("What I can do") + "</b>",
        _("/next: the next session, in your time zone"),
        _("/schedule: the whole program"),
        _("/session 3: one session in full (any number from the schedule)"),
        _("/calendar: all your sessions as a calendar file, with the join links")
        if not schedule.without_link() else _("/calendar: all your sessions as a calendar file"),
        _("/reminders: choose which session reminders you get"),
        _("/checkin: check in to the session running now"),
        _("/me: your attendance and certificate progress"),
        _("/certificate: your certificate of completion, once you have earned it"),
        _("/verify CODE: check that a certificate is genuine"),
        _("/goals: your group's goals and action plan"),
        *([_("/coaching: your core group's coaching hour: answer the poll, join, check in")]
          if core or role != "participant" else []),
        _("/network: your networking profile, off until you turn it on · /matches: people "
          "you might meet"),
        _("/ask: write to the organizers; their answer comes here"),
        _("/settings: change language, country or time zone"),
        _("/profile: your name, organization and sector"),
        _("/mydata: a copy of your data · /forget: delete it"),
        _("/help: this message"),
    ]
    if role in ("facilitator", "organizer"):
        lines += ["", "<b>" + _("Facilitator tools") + "</b>"]
        limited = sorted(countries) if role == "facilitator" else []
        if limited:
            lines.append(_("Your countries: {countries}").format(
                countries=countries_label(v, schedule, limited)))
        lines += _facilitator_section(v)
    if role == "organizer":
        lines += ["", "<b>" + _("Organizer tools") + "</b>"] + _organizer_section(v)
    contact = schedule.program.contact
    text = contact.get(v.lang) or contact.get("en")
    if text:
        lines += ["", _("Questions? {contact}").format(contact=escape(text))]
    return "\n".join(lines)
