"""Texts of the people features for one viewer: joining, invitations, /people, /profile."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from bot.help.texts import countries_label
from bot.models import Participant
from bot.people.rules import SECTORS, counts
from bot.schedule import Schedule, Session
from bot.storage.invitations import Invitation
from bot.viewer import Viewer, country_name, flag

MAX_LISTED = 20  # invitation links listed by /invites


def contact_line(v: Viewer, schedule: Schedule) -> str:
    contact = schedule.program.contact
    text = contact.get(v.lang) or contact.get("en")
    return v.tr.gettext("Questions? {contact}").format(contact=escape(text)) if text else ""


def privacy_notice(v: Viewer, privacy_url: str | None) -> str:
    _ = v.tr.gettext
    text = "🔒 " + _(
        "<b>Your data</b>: I keep your Telegram name and username, language, country, time "
        "zone and group, your organization and sector if you give them, and your attendance "
        "and goals. The organizers see them; facilitators see who takes part in their "
        "sessions. /mydata sends you a copy, /forget deletes it."
    )
    if privacy_url:
        text += "\n" + _("Full privacy notice: {url}").format(url=escape(privacy_url))
    return text


def country_label(v: Viewer, schedule: Schedule, code: str | None) -> str | None:
    found = schedule.country(code)
    return f"{flag(found.code)} {escape(country_name(found, v.lang))}" if found else None


def group_title(v: Viewer, schedule: Schedule, group: str | None, country: str | None) -> str:
    """"Core group · 🇵🇪 Peru", for lists and headings."""
    _ = v.tr.gettext
    title = _("Core group") if group == "core" else _("Wider group")
    where = country_label(v, schedule, country)
    return f"{title} · {where}" if where else title


def joining_note(v: Viewer, schedule: Schedule, group: str, country: str | None) -> str:
    _ = v.tr.gettext
    where = country_label(v, schedule, country)
    if group == "core":
        return (_("You are joining the core group for {country}.").format(country=where)
                if where else _("You are joining the core group."))
    return (_("You are joining the wider group for {country}.").format(country=where)
            if where else _("You are joining the wider group."))


def invitation_needed(v: Viewer, schedule: Schedule) -> str:
    """REGISTRATION=closed, to someone without an invitation."""
    lines = [v.tr.gettext(
        "Joining this program needs an invitation: the organizers send each participant "
        "a personal link that opens this bot. If you should be taking part and have no "
        "link, please contact the organizers.")]
    contact = contact_line(v, schedule)
    return "\n\n".join([*lines, contact] if contact else lines)


# roles: what a person granted or revoked is told


def role_granted(v: Viewer, schedule: Schedule, kind: str, countries: set[str],
                 tools: Sequence[str]) -> str:
    """To the person: their new rights (kind "facilitator" or "cofacilitator") and their
    tools (the facilitators' commands: bot.features.staff_command_names)."""
    _ = v.tr.gettext
    tools = ", ".join("/" + c for c in tools)
    where = countries_label(v, schedule, countries)
    if kind == "cofacilitator":
        text = _("You are now a co-facilitator for {country}: you have facilitator rights for "
                 "your country's group.").format(country=where)
    elif countries:
        text = _("You are now a facilitator for {countries}.").format(countries=where)
    else:
        text = _("You are now a facilitator for every country.")
    return "🧰 " + text + " " + _("Your tools: {tools}. /help explains them; they are also in "
                                  "your command menu.").format(tools=tools)


def role_revoked(v: Viewer) -> str:
    return v.tr.gettext(
        "You are no longer a facilitator; your participant data is unchanged. /help lists what "
        "you can do."
    )


# invitations


def invite_usage(v: Viewer) -> str:
    return v.tr.gettext(
        "Usage: /invite core COUNTRY [USES] [DAYS] or /invite wider COUNTRY|any [USES] [DAYS], "
        "e.g. /invite core PE 7 30. COUNTRY is a code (PE) or a name."
    )


def _until(v: Viewer, inv: Invitation) -> str:
    """The expiry with its time zone: "Feb 4, 2021 at 13:05 (UTC)"."""
    return f"{v.at(inv.expires_at, 'medium')} ({escape(v.zone_name())})"


def invitation_text(v: Viewer, schedule: Schedule, inv: Invitation, link: str) -> str:
    _ = v.tr.gettext
    return "\n".join([
        "✉️ " + _("Invitation: {group}").format(
            group=group_title(v, schedule, inv.group, inv.country)),
        escape(link),
        v.tr.ngettext(
            "Up to {count} person can join with it, until {date}.",
            "Up to {count} people can join with it, until {date}.", inv.max_uses,
        ).format(count=inv.max_uses, date=_until(v, inv)),
        _("Send the link to the people you invite. /invites lists your links and withdraws "
          "them."),
    ])


def invites_text(v: Viewer, schedule: Schedule, active: list[Invitation],
                 link: Callable[[Invitation], str]) -> str:
    _ = v.tr.gettext
    if not active:
        return _("No active invitation links. Create one with /invite.")
    lines = ["<b>" + _("Active invitation links") + "</b>"]
    for i, inv in enumerate(active[:MAX_LISTED], start=1):
        lines.append("")
        lines.append(f"{i}. " + group_title(v, schedule, inv.group, inv.country))
        lines.append(v.tr.ngettext("{left} of {total} use left · until {date}",
                                   "{left} of {total} uses left · until {date}",
                                   inv.uses_left).format(
            left=inv.uses_left, total=inv.max_uses, date=_until(v, inv)))
        lines.append(escape(link(inv)))
    if len(active) > MAX_LISTED:
        lines += ["", _("… and {count} more.").format(count=len(active) - MAX_LISTED)]
    return "\n".join(lines)


# /people


def group_names(v: Viewer) -> dict[str, str]:
    _ = v.tr.gettext
    return {"core": _("core"), "wider": _("wider"), "none": _("no group")}


def sector_label(v: Viewer, key: str | None) -> str:
    return v.tr.gettext(SECTORS[key]) if key in SECTORS else "—"


def _country(v: Viewer, schedule: Schedule, code: str | None) -> str:
    return country_label(v, schedule, code) or v.tr.gettext("No country")


def _counts_line(v: Viewer, tally: dict[str, int]) -> str:
    """"core group: 3 · wider group: 1": the count after its label, so no noun agrees."""
    _ = v.tr.gettext
    labels = {"core": _("core group"), "wider": _("wider group"), "none": _("no group")}
    return " · ".join(v.labelled(labels[g], v.number(tally[g]))
                      for g in ("core", "wider", "none") if tally.get(g))


def people_summary(v: Viewer, schedule: Schedule, people: list[Participant]) -> str:
    _ = v.tr.gettext
    table = counts(people)
    total: dict[str, int] = {}
    for tally in table.values():
        for group, n in tally.items():
            total[group] = total.get(group, 0) + n
    lines = ["<b>" + _("People: {count}").format(count=v.number(len(people))) + "</b>"]
    if people:
        lines.append(_counts_line(v, total))
        lines.append("")
    order = [c.code for c in schedule.countries]
    for code in sorted(table, key=lambda c: order.index(c) if c in order else len(order)):
        lines.append(f"{_country(v, schedule, code)} — {_counts_line(v, table[code])}")
    return "\n".join(lines)


def staff_heading(v: Viewer, count: int) -> str:
    return "<b>" + v.tr.ngettext(
        "Staff, not counted as participants: {count} person",
        "Staff, not counted as participants: {count} people", count).format(
        count=v.number(count)) + "</b>"


def person_line(v: Viewer, schedule: Schedule, p: Participant, staff: str = "") -> str:
    """One person of /people; `staff`: their staff role (bot.people.rules.staff_label)."""
    _ = v.tr.gettext
    names = group_names(v)
    who = escape(p.name) + (f" (@{escape(p.username)})" if p.username else "")
    parts = [f"• {who} · <code>{p.user_id}</code>", names[p.group or "none"]]
    found = schedule.country(p.country)
    if found is not None:
        parts.append(flag(found.code))
    if staff:
        parts.append({"organizer": _("organizer"), "facilitator": _("facilitator"),
                      "co-facilitator": _("co-facilitator")}[staff])
    if p.organization:
        parts.append(escape(p.organization))
    if p.sector:
        parts.append(escape(sector_label(v, p.sector)))
    return " · ".join(parts)


# /profile


def group_label(v: Viewer, schedule: Schedule, person: Participant) -> str:
    _ = v.tr.gettext
    group = {"core": _("Core group"), "wider": _("Wider group")}.get(
        person.group or "", _("Not in a group yet"))
    country = schedule.country(person.country)
    if country is None:
        return group
    return f"{group} · {flag(country.code)} {escape(country_name(country, v.lang))}"


def profile_text(v: Viewer, schedule: Schedule, p: Participant) -> str:
    _ = v.tr.gettext
    return "\n".join([
        "<b>" + _("Your profile") + "</b>",
        _("Name: {name}").format(name=escape(p.name)),
        _("Organization: {organization}").format(organization=escape(p.organization or "—")),
        _("Sector: {sector}").format(sector=escape(sector_label(v, p.sector))),
        _("Group: {group}").format(group=group_label(v, schedule, p)),
        "",
        _("The organizers see this; your name is also the one on your certificate."),
    ])


def wider_welcome(v: Viewer, schedule: Schedule, first: Session) -> str:
    """At the wider group's first session, to those who registered before it."""
    _ = v.tr.gettext
    name = schedule.program.name
    return "\n".join([
        "🎉 " + _("You are now part of the wider group of the {program}.").format(
            program=escape(name.get(v.lang) or name["en"])),
        _("Its first session starts now: {title}. /next shows it, /schedule the sessions "
          "ahead.").format(title=escape(first.text("title", v.lang))),
    ])
