"""What /roster says: how to send a roster, each problem of a refused one, the summary and the
captions of the files; and the greeting of a person who opens their personal link."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from html import escape

from bot.roster.rules import MAX_LISTED, MAX_ROWS, Problem
from bot.viewer import Viewer


def ask_file(v: Viewer, days: int) -> str:
    _ = v.tr.gettext
    return "\n\n".join([
        _("Send me the roster as a CSV or XLSX file. The first row names the columns: name "
          "(as printed on the certificate), country (code such as GH, or name), group (core "
          "or wider), language (en, es, fr or pt), and optionally organization, sector, "
          "email and role (facilitator, co-facilitator or organizer)."),
        v.tr.ngettext(
            "Everyone gets a personal link that works once and for {days} day; I answer "
            "with links.csv and links.xlsx for a mail merge.",
            "Everyone gets a personal link that works once and for {days} days; I answer "
            "with links.csv and links.xlsx for a mail merge.", days).format(days=days),
        _("Options: /roster DAYS (how long the links work), /roster qr (also a QR code per "
          "person). /cancel stops."),
    ])


def not_a_file(v: Viewer) -> str:
    return v.tr.gettext("Please send the roster as a file (CSV or XLSX), or /cancel.")


def _problem(v: Viewer, p: Problem) -> str:
    _ = v.tr.gettext
    texts = {
        "unreadable": _("I cannot read this file. Send a CSV (UTF-8) or an XLSX file."),
        "too_big": _("This file is too big for a roster."),
        "no_rows": _("The file has no rows under the header."),
        "too_many_rows": _("The file has {count} rows; a roster has at most {limit}."),
        "missing_column": _("this column is missing from the header row"),
        "empty": _("empty, but required"),
        "too_long": _("too long or not printable"),
        "country": _("not a country of the program"),
        "group": _("must be core or wider"),
        "language": _("must be en, es, fr or pt"),
        "sector": _("not a known sector"),
        "email": _("not an e-mail address"),
        "role": _("must be facilitator, co-facilitator, organizer or empty"),
        "cofacilitator_core": _("a co-facilitator must be in the core group"),
        "duplicate": _("the same person as row {row}").format(row=p.other_row),
    }
    text = texts[p.kind]
    if p.kind == "too_many_rows":
        text = text.format(count=v.number(int(p.value)), limit=v.number(MAX_ROWS))
    if p.row == 0:
        return text
    if p.value and p.kind not in ("empty", "missing_column", "duplicate"):
        text += " (" + escape(p.value) + ")"
    return _("Row {row}, column {column}: {problem}").format(
        row=p.row, column=escape(p.column), problem=text)


def refused(v: Viewer, problems: list[Problem]) -> str:
    rows = len({p.row for p in problems if p.row})
    if rows:
        head = v.tr.ngettext(
            "The roster was not imported: {count} row has a problem. Nothing was changed; "
            "correct the file and send it again.",
            "The roster was not imported: {count} rows have problems. Nothing was changed; "
            "correct the file and send it again.", rows).format(count=v.number(rows))
    else:
        head = v.tr.gettext("The roster was not imported. Nothing was changed.")
    lines = [head, ""] + [_problem(v, p) for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        more = len(problems) - MAX_LISTED
        lines.append(v.tr.ngettext("… and {count} more problem.", "… and {count} more problems.",
                                   more).format(count=v.number(more)))
    return "\n".join(lines)


def summary(v: Viewer, counts: Counter[str], until: datetime | None) -> str:
    _ = v.tr.gettext
    total = sum(counts.values())
    lines = [v.tr.ngettext("Roster imported: {count} person.", "Roster imported: {count} people.",
                           total).format(count=v.number(total))]
    parts = [
        (counts["new"], v.tr.ngettext("{count} new link", "{count} new links", counts["new"])),
        (counts["unchanged"], v.tr.ngettext("{count} unchanged", "{count} unchanged",
                                            counts["unchanged"])),
        (counts["updated"], v.tr.ngettext("{count} updated (same link)",
                                          "{count} updated (same links)", counts["updated"])),
        (counts["joined"], v.tr.ngettext("{count} already joined (not changed)",
                                         "{count} already joined (not changed)",
                                         counts["joined"])),
    ]
    lines.append(" · ".join(text.format(count=v.number(n)) for n, text in parts if n))
    if until is not None:
        lines.append(_("Links not yet used work until {when} ({zone}).").format(
            when=v.at(until, "long"), zone=escape(v.zone_name())))
    return "\n".join(lines)


def links_caption(v: Viewer, rows: int, now: datetime) -> str:
    return v.tr.ngettext(
        "Personal invitation links (name, e-mail, country, group, link, status), {count} row, "
        "as of {when} ({zone}).",
        "Personal invitation links (name, e-mail, country, group, link, status), {count} rows, "
        "as of {when} ({zone}).", rows).format(
        count=v.number(rows), when=v.at(now, "long"), zone=escape(v.zone_name()))


def qr_caption(v: Viewer, rows: int) -> str:
    return v.tr.ngettext("QR codes of the personal links: {count} image (PNG).",
                         "QR codes of the personal links: {count} images (PNG).",
                         rows).format(count=v.number(rows))


def greeting(v: Viewer, name: str) -> str:
    return v.tr.gettext("Hello, {name}!").format(name=escape(name))


def printed_name(v: Viewer, name: str) -> str:
    return v.tr.gettext(
        "Your name for the certificate: {name}. You will confirm it before the certificate "
        "is made; /profile changes it.").format(name=f"<b>{escape(name)}</b>")


def organizer_granted(v: Viewer) -> str:
    return "🧰 " + v.tr.gettext("You are now an organizer: /help shows what you can do.")
