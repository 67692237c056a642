"""Networking texts (Telegram HTML; everything people typed is escaped).

A card is what others see of a person: country, organization, sector, languages, what they
offer and seek, their line. Never their name or Telegram account: those are only in the
introduction, sent once both have said yes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal

from bot.models import Participant
from bot.networking.rules import MAX_NOTE, MAX_TOPICS, Reason, Stats, Suggestion
from bot.people.rules import SECTORS
from bot.schedule import Schedule, Session
from bot.storage.networking import Profile
from bot.viewer import Viewer, country_name, flag, session_heading


@dataclass(frozen=True)
class Entry:
    """A suggested person: their record, their profile and why they were suggested."""

    person: Participant
    profile: Profile
    suggestion: Suggestion


def number(v: Viewer, n: int) -> str:
    return format_decimal(n, locale=v.number_locale)


def topics(v: Viewer, schedule: Schedule, keys: Iterable[str]) -> str:
    names = [t.label(v.lang) for k in keys if (t := schedule.networking.topic(k)) is not None]
    return escape(format_list(names, locale=v.locale)) if names else "—"


def language_names(v: Viewer, codes: Iterable[str]) -> str:
    names = []
    for code in codes:
        try:
            names.append(Locale.parse(code).get_display_name(v.lang) or code)
        except (ValueError, TypeError):
            names.append(code)
    return escape(format_list(names, locale=v.locale)) if names else "—"


def country_label(v: Viewer, schedule: Schedule, code: str | None) -> str:
    found = schedule.country(code)
    return f"{flag(found.code)} {escape(country_name(found, v.lang))}" if found else "—"


def spoken(person: Participant, profile: Profile) -> list[str]:
    """The bot language first, then the others they speak."""
    first = [person.language] if person.language else []
    return first + [lang for lang in profile.languages if lang not in first]


def card(v: Viewer, schedule: Schedule, person: Participant, profile: Profile) -> str:
    """What others see: no name, no Telegram account."""
    _ = v.tr.gettext
    where = [country_label(v, schedule, person.country)]
    if person.sector in SECTORS:
        where.append(escape(_(SECTORS[person.sector or ""])))
    if person.organization:
        where.append(escape(person.organization))
    lines = [
        " · ".join(where),
        _("Offers: {topics}").format(topics=topics(v, schedule, profile.offers)),
        _("Seeks: {topics}").format(topics=topics(v, schedule, profile.seeks)),
        _("Speaks: {languages}").format(languages=language_names(v, spoken(person, profile))),
    ]
    if profile.note:
        lines.append(f"💬 <i>{escape(profile.note)}</i>")
    return "\n".join(lines)


def profile_screen(v: Viewer, schedule: Schedule, person: Participant,
                   profile: Profile | None) -> str:
    """/network: on or off, and exactly what others see (or would see)."""
    _ = v.tr.gettext
    lines = ["🤝 <b>" + _("Networking") + "</b>"]
    if profile is not None and profile.visible:
        lines.append(_("Your profile is <b>on</b>. This is exactly what others see; your name "
                       "and Telegram account stay hidden until you accept an introduction:"))
    else:
        lines.append(_("Meet participants from other countries who offer what you seek, or "
                       "seek what you offer. Your profile is <b>off</b>: nobody sees it. "
                       "Turned on, others would see exactly this (never your name or Telegram "
                       "account, until you accept an introduction):"))
    shown = profile or Profile(0, person.user_id, False, (), (), (), None, person.updated_at)
    lines += ["", card(v, schedule, person, shown), ""]
    if not shown.offers and not shown.seeks:
        lines.append(_("Pick at least one topic you offer or seek, so that matches can be "
                       "found."))
    lines.append(_("Organization and sector come from /profile. /matches shows people you "
                   "might meet."))
    return "\n".join(lines)


def topic_prompt(v: Viewer, kind: str) -> str:
    _ = v.tr.gettext
    if kind == "o":
        text = _("What do you offer others? Tap up to {n} topics; each tap is saved.")
    else:
        text = _("What are you looking for? Tap up to {n} topics; each tap is saved.")
    return text.format(n=MAX_TOPICS)


def too_many_topics(v: Viewer) -> str:
    return v.tr.gettext("At most {n} topics: remove one first.").format(n=MAX_TOPICS)


def language_prompt(v: Viewer, bot_language: str | None) -> str:
    _ = v.tr.gettext
    text = _("Which languages do you speak? Tap to add or remove them; each tap is saved.")
    if bot_language:
        text += "\n" + _("{language} is your bot language: it is always included.").format(
            language=language_names(v, [bot_language]))
    return text


def note_prompt(v: Viewer) -> str:
    return v.tr.gettext(
        "Send one short line (up to {n} characters) that others will see on your profile, "
        "e.g. what your initiative does. Send - to remove it.").format(n=MAX_NOTE)


def bad_note(v: Viewer) -> str:
    return v.tr.gettext("Please send one line of text of at most {n} characters.").format(
        n=MAX_NOTE)


def not_for_you(v: Viewer) -> str:
    return v.tr.gettext("Networking is for the program's participants. /help shows how to "
                        "reach the organizers.")


def turn_on_first(v: Viewer) -> str:
    return v.tr.gettext("Turn your networking profile on first (/network): people see it "
                        "before they say yes.")


def need_topics(v: Viewer) -> str:
    return v.tr.gettext("Pick what you offer or seek in /network first: suggestions are made "
                        "from it.")


# suggestions


def reason_line(v: Viewer, schedule: Schedule, reason: Reason) -> str:
    """"offers Finance & funding, which you seek · 🇬🇭 Ghana · speaks English"."""
    _ = v.tr.gettext
    parts = []
    if reason.they_offer:
        parts.append(_("offers {topics}, which you seek").format(
            topics=topics(v, schedule, reason.they_offer)))
    if reason.they_seek:
        parts.append(_("seeks {topics}, which you offer").format(
            topics=topics(v, schedule, reason.they_seek)))
    if reason.country:
        parts.append(country_label(v, schedule, reason.country))
    if reason.other_continent:
        parts.append(_("another continent"))
    if reason.languages:
        parts.append(_("speaks {languages}").format(
            languages=language_names(v, reason.languages)))
    return " · ".join(parts)


def matches_text(v: Viewer, schedule: Schedule, entries: Sequence[Entry]) -> str:
    _ = v.tr.gettext
    if not entries:
        return _("No suggestions right now: nobody's profile fits yours yet, or you have met "
                 "them all. Try again later, or add topics in /network.")
    lines = ["🤝 <b>" + _("People you might meet") + "</b>"]
    for n, entry in enumerate(entries, start=1):
        lines += ["", f"<b>{n}.</b> " + card(v, schedule, entry.person, entry.profile),
                  "<i>" + _("Why: {reason}").format(
                      reason=reason_line(v, schedule, entry.suggestion.reason)) + "</i>"]
    lines += ["", _("🤝 asks for an introduction: they are asked first, and only if they "
                    "accept do you both get each other's name and contact. 🙈 hides someone "
                    "for good.")]
    return "\n".join(lines)


MAX_TEXT = 3500  # characters of HTML: under Telegram's 4096, with room for a heading


def fitting(v: Viewer, schedule: Schedule, entries: Sequence[Entry]) -> list[Entry]:
    """The first suggestions whose text fits one message: five cards with long lines and many
    topics would not."""
    shown = list(entries)
    while len(shown) > 1 and len(matches_text(v, schedule, shown)) > MAX_TEXT:
        shown.pop()
    return shown


def nudge_matches(v: Viewer, schedule: Schedule, session: Session, now: datetime,
                  entries: Sequence[Entry]) -> str:
    _ = v.tr.gettext
    head = _("{session} is {when}.").format(session=session_heading(v, session),
                                            when=v.until(session.start, now))
    return head + "\n\n" + matches_text(v, schedule, entries)


def nudge_invitation(v: Viewer, session: Session, now: datetime) -> str:
    _ = v.tr.gettext
    return _("{session} is {when}. Make your networking profile now (/network): say what you "
             "offer and seek, and get suggestions of people from other countries to meet. It "
             "stays off until you turn it on.").format(
        session=session_heading(v, session), when=v.until(session.start, now))


# requests and introductions


def request_prompt(v: Viewer) -> str:
    return v.tr.gettext(
        "Add a short note for them (up to {n} characters): who you are and why you would like "
        "to meet. Or send the request without a note.").format(n=MAX_NOTE)


def request_sent(v: Viewer) -> str:
    return v.tr.gettext("✓ Request sent. If they accept, you will both get each other's name "
                        "and Telegram contact.")


def request_cancelled(v: Viewer) -> str:
    return v.tr.gettext("Cancelled: no request was sent.")


def too_many_requests(v: Viewer, limit: int) -> str:
    return v.tr.ngettext(
        "You have {n} request waiting for an answer, the most allowed. Ask again once it is "
        "answered.",
        "You have {n} requests waiting for an answer, the most allowed. Ask again once some "
        "are answered.", limit).format(n=number(v, limit))


def already_asked(v: Viewer) -> str:
    return v.tr.gettext("You already asked to meet this person.")


def unavailable(v: Viewer) -> str:
    return v.tr.gettext("This person is no longer available for networking.")


def incoming_request(v: Viewer, schedule: Schedule, person: Participant, profile: Profile,
                     note: str | None) -> str:
    _ = v.tr.gettext
    lines = ["🤝 " + _("Someone in the program would like to meet you:"), "",
             card(v, schedule, person, profile)]
    if note:
        lines += ["", _("Their note: {note}").format(note=f"<i>{escape(note)}</i>")]
    lines += ["", _("If you accept, you both get each other's name and Telegram contact. If "
                    "you decline, they are not told.")]
    return "\n".join(lines)


def contact(person: Participant) -> str:
    """Name linked to the Telegram account, and @username when there is one."""
    link = f'<a href="tg://user?id={person.user_id}">{escape(person.name)}</a>'
    return f"{link} (@{escape(person.username)})" if person.username else link


def introduction(v: Viewer, schedule: Schedule, other: Participant, profile: Profile,
                 note: str | None) -> str:
    """To each of the two, once both said yes: the other's name, contact, card and note."""
    _ = v.tr.gettext
    lines = ["🤝 <b>" + _("Introduction") + "</b>",
             _("You and {contact} agreed to meet. Write to them directly: tap the name.").format(
                 contact=contact(other)), "",
             card(v, schedule, other, profile)]
    if note:
        lines += ["", _("Their note: {note}").format(note=f"<i>{escape(note)}</i>")]
    return "\n".join(lines)


def declined(v: Viewer) -> str:
    return v.tr.gettext("Declined. They are not told, and you will not be suggested to each "
                        "other again.")


def blocked(v: Viewer) -> str:
    return v.tr.gettext("Blocked: this person will never be suggested to you again and cannot "
                        "ask you again.")


def hidden(v: Viewer) -> str:
    return v.tr.gettext("Hidden: this person will not be suggested to you again.")


def request_closed(v: Viewer) -> str:
    return v.tr.gettext("This request is no longer open.")


# staff


def stats_text(v: Viewer, schedule: Schedule, s: Stats) -> str:
    _ = v.tr.gettext
    lines = ["🤝 <b>" + _("Networking") + "</b>", "<b>" + _("Profiles turned on") + "</b>"]
    if not s.profiles:
        lines.append(_("None yet."))
    for code, n in sorted(s.profiles.items()):
        lines.append(v.labelled(country_label(v, schedule, code), number(v, n)))
    lines += ["", "<b>" + _("Introductions by pair of countries") + "</b>"]
    if not s.pairs:
        lines.append(_("No requests yet."))
    for (a, b), c in sorted(s.pairs.items()):
        counts = v.tr.ngettext("{n} request", "{n} requests", c.requests).format(
            n=number(v, c.requests))
        counts += " · " + _("{accepted} accepted, {declined} declined, {open} waiting").format(
            accepted=number(v, c.accepted), declined=number(v, c.declined),
            open=number(v, c.open))
        lines.append(f"{country_label(v, schedule, a)} ↔ {country_label(v, schedule, b)}: "
                     + counts)
    return "\n".join(lines)


def breakouts_usage(v: Viewer) -> str:
    return v.tr.gettext("Usage: /breakouts 9 4 (session 9, 4 rooms): mixed rooms from the "
                        "people checked in to the session.")


def nobody_checked_in(v: Viewer, session: int) -> str:
    return v.tr.gettext("Nobody has checked in to session {n} yet.").format(n=session)


def member_label(schedule: Schedule, person: Participant | None, user_id: int) -> str:
    name = escape(person.name) if person else str(user_id)
    found = schedule.country(person.country) if person else None
    return f"{name} ({flag(found.code)})" if found else name


def rooms_lines(v: Viewer, schedule: Schedule, session: int, rooms: list[list[int]],
                people: dict[int, Participant]) -> list[str]:
    """The proposal, one line per person (paged by the caller), ending with the question."""
    _ = v.tr.gettext
    total = sum(len(r) for r in rooms)
    lines = ["🧩 <b>" + _("Breakout rooms for session {n}").format(n=session) + "</b>",
             v.tr.ngettext("{n} person checked in", "{n} people checked in", total).format(
                 n=number(v, total))]
    for n, room in enumerate(rooms, start=1):
        lines += ["", "<b>" + _("Room {n}").format(n=n) + "</b>"]
        lines += ["• " + member_label(schedule, people.get(u), u) for u in room]
    lines += ["", _("Tell each person their room and its members' names?")]
    return lines


def rooms_confirmed(v: Viewer, session: int, people: int) -> str:
    return v.tr.ngettext("✓ Telling {n} person their breakout room for session {session}…",
                         "✓ Telling {n} people their breakout room for session {session}…",
                         people).format(n=number(v, people), session=session)


def rooms_cancelled(v: Viewer) -> str:
    return v.tr.gettext("Cancelled: nobody was told.")


def rooms_already_sent(v: Viewer) -> str:
    return v.tr.gettext("These rooms were already sent.")


def your_room(v: Viewer, schedule: Schedule, session: Session, room: int,
              others: list[Participant]) -> str:
    _ = v.tr.gettext
    names = ", ".join(f"{escape(p.name)} ({country_label(v, schedule, p.country)})"
                      for p in others) or "—"
    return "🧩 <b>" + session_heading(v, session) + "</b>\n" + _(
        "You are in breakout room {room}, with {names}.").format(room=room, names=names)


def rooms_report(v: Viewer, session: int, sent: int, missed: int) -> str:
    _ = v.tr.gettext
    return _("🧩 Breakout rooms for session {n}: {sent} told, {missed} not reached.").format(
        n=session, sent=number(v, sent), missed=number(v, missed))
