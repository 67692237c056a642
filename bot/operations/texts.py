"""/status and the organizers' error notices (Telegram HTML; no Telegram objects here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from babel.numbers import format_decimal

from bot.operations.rules import SeenError
from bot.viewer import Viewer


@dataclass(frozen=True)
class StatusReport:
    version: str
    uptime: timedelta
    backend: str  # "sqlite" | "postgresql"
    where: str  # file or host/database, never a password
    size_bytes: int
    schema_version: int
    storage_problem: str | None
    updates: str  # "polling" | "webhook"
    people: dict[str, int]  # core, wider, none, inactive
    jobs: list[tuple[str, datetime]]  # the next ones: (name, program time)
    jobs_total: int
    pending: dict[str, int]  # deliveries, broadcasts
    errors: list[SeenError] = field(default_factory=list)
    without_link: list[int] = field(default_factory=list)  # sessions nobody can join yet


def _size(v: Viewer, size: int) -> str:
    _ = v.tr.gettext
    if size >= 1024 * 1024:
        return _("{size} MB").format(size=format_decimal(round(size / 1024 / 1024, 1),
                                                        locale=v.number_locale))
    return _("{size} kB").format(size=format_decimal(round(size / 1024), locale=v.number_locale))


def _when(v: Viewer, when: datetime) -> str:
    return v.at(when, "medium")


def status_text(v: Viewer, r: StatusReport) -> str:
    _ = v.tr.gettext
    backend = "PostgreSQL" if r.backend == "postgresql" else "SQLite"
    mode = _("webhook") if r.updates == "webhook" else _("long polling")
    lines = [
        "<b>" + _("Bot status") + "</b>",
        _("Version {version}, running for {uptime} ({mode})").format(
            version=escape(r.version), uptime=v.duration(r.uptime), mode=mode),
        _("Storage: {backend}, {size}, schema version {schema}").format(
            backend=backend, size=_size(v, r.size_bytes), schema=r.schema_version),
        f"<code>{escape(r.where)}</code>",
    ]
    if r.storage_problem:
        lines.append("⚠️ " + _("Storage problem: {problem}").format(
            problem=escape(r.storage_problem)))
    if r.without_link:
        lines.append("⚠️ " + v.tr.ngettext(
            "No join link for session {numbers}: /joinlink sets one.",
            "No join link for sessions {numbers}: /joinlink sets one.",
            len(r.without_link)).format(numbers=", ".join(map(str, r.without_link))))
    def count(key: str) -> str:
        return format_decimal(r.people.get(key, 0), locale=v.number_locale)

    people = [
        _("core group: {count}").format(count=count("core")),
        _("wider group: {count}").format(count=count("wider")),
        _("no group: {count}").format(count=count("none")),
        _("inactive: {count}").format(count=count("inactive")),
    ]
    lines += ["", "<b>" + _("People") + "</b>", " · ".join(people)]
    lines += ["", "<b>" + _("Next scheduled jobs ({zone})").format(
        zone=v.zone_name()) + "</b>"]
    if r.jobs:
        lines += [f"{_when(v, due)} · <code>{escape(name)}</code>" for name, due in r.jobs]
        if r.jobs_total > len(r.jobs):
            more = r.jobs_total - len(r.jobs)
            lines.append(v.tr.ngettext("and {count} more", "and {count} more", more).format(
                count=format_decimal(more, locale=v.number_locale)))
    else:
        lines.append(_("None."))
    waiting = r.pending.get("deliveries", 0) + r.pending.get("broadcasts", 0)
    lines += ["", "<b>" + _("Pending deliveries") + "</b>"]
    lines.append(_("Reminders and notices: {reminders} · broadcasts: {broadcasts}").format(
        reminders=format_decimal(r.pending.get("deliveries", 0), locale=v.number_locale),
        broadcasts=format_decimal(r.pending.get("broadcasts", 0), locale=v.number_locale),
    ) if waiting else _("None."))
    lines += ["", "<b>" + _("Last errors") + "</b>"]
    if r.errors:
        lines += [f"{_when(v, e.at)} · <code>{escape(e.kind)}</code> · {escape(e.update_kind)}"
                  for e in reversed(r.errors[-5:])]
    else:
        lines.append(_("None since the start."))
    return "\n".join(lines)


def error_notice(v: Viewer, kind: str, update_kind: str, seen: int) -> str:
    """To organizers, at most once an hour per kind: what failed, never whose data."""
    _ = v.tr.gettext
    head = _("⚠️ The bot hit an error ({kind}) while handling {what}.").format(
        kind=f"<code>{escape(kind)}</code>", what=f"<code>{escape(update_kind)}</code>")
    count = v.tr.ngettext("Seen {count} time since the start.",
                          "Seen {count} times since the start.", seen).format(
        count=format_decimal(seen, locale=v.number_locale))
    tail = _("The log has the details. More errors of this kind within the hour are not "
             "reported here; /status lists the last ones.")
    return f"{head}\n{count}\n{tail}"
