"""Certificate texts for one viewer: /certificate, /certificates, /verify, and the words the
PDF prints (a `Page` per language). Telegram HTML with names escaped; no Telegram here."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime, time
from html import escape
from pathlib import Path

from babel.units import format_unit

from bot.certificates.document import Document, Page, Signatory
from bot.certificates.rules import Standing, Tally, shown_code
from bot.schedule import Schedule
from bot.storage.certificates import Certificate
from bot.viewer import NUMBER_LOCALES, Viewer, country_name, flag


def long_date(v: Viewer, day: date | datetime) -> str:
    """A calendar date (certificates are dated in UTC, the same wherever it is read)."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date()
    return replace(v, zone="UTC").date(datetime.combine(day, time(12), UTC), "long")


def hours(v: Viewer, minutes: int) -> str:
    return format_unit(round(minutes / 60, 2), "duration-hour",
                       locale=NUMBER_LOCALES.get(v.lang, v.lang))


def group_name(v: Viewer, group: str) -> str:
    _ = v.tr.gettext
    return _("Core group") if group == "core" else _("Wider group")


log = logging.getLogger(__name__)


def _country(v: Viewer, schedule: Schedule, code: str | None) -> str:
    country = schedule.country(code)
    return country_name(country, v.lang) if country else (code or "")


# the document


def document(views: list[Viewer], schedule: Schedule, c: Certificate) -> Document:
    """The whole certificate: the person's language, then English when it was chosen."""
    doc = c.document
    pages = [page(v, schedule, c) for v in views]
    langs = [v.lang for v in views]
    signatories = tuple(
        Signatory(s["name"], s["title"].get(langs[0]) or s["title"]["en"],
                  (s["title"].get(langs[1]) or s["title"]["en"]) if len(langs) > 1 else None)
        for s in doc["signatories"])
    logo = Path(doc["logo"]) if doc.get("logo") else None
    if logo is not None and not logo.is_file():
        log.warning("certificate logo %s is missing: printed without it", logo)
        logo = None
    return Document(name=c.name or "", code=shown_code(c.code), link=doc["link"],
                    issued_at=c.issued_at, main=pages[0],
                    second=pages[1] if len(pages) > 1 else None,
                    signatories=signatories, logo=logo)


def page(v: Viewer, schedule: Schedule, c: Certificate) -> Page:
    """The words of the certificate in the viewer's language."""
    _ = v.tr.gettext
    doc = c.document
    country = _country(v, schedule, c.country)
    membership = group_name(v, c.group) + (f" · {country}" if country else "")
    completed = v.tr.ngettext(
        "has completed the program, attending {attended} of its {total} session ({hours}), "
        "held online from {first} to {last}.",
        "has completed the program, attending {attended} of its {total} sessions ({hours}), "
        "held online from {first} to {last}.",
        c.total,
    ).format(attended=c.attended, total=c.total, hours=hours(v, c.minutes),
             first=long_date(v, date.fromisoformat(doc["first"])),
             last=long_date(v, date.fromisoformat(doc["last"])))
    return Page(
        lang=v.lang,
        program=doc["program"].get(v.lang) or doc["program"]["en"],
        title=_("Certificate of completion"),
        certifies=_("This is to certify that"),
        membership=membership,
        completed=completed,
        issued=_("Issued on {date}").format(date=long_date(v, c.issued_at)),
        verify=_("To check it, scan the code or send /verify {code} to @{bot}.").format(
            code=c.code, bot=doc["bot"]),
    )


def file_name(c: Certificate) -> str:
    return f"certificate-{c.code}.pdf"


# the participant


def _standing_line(v: Viewer, s: Standing) -> str:
    _ = v.tr.gettext
    p = s.progress
    if p.standing == "reachable":
        return v.tr.ngettext(
            "You are on track: attend {more} of the {remaining} session still to come.",
            "You are on track: attend {more} of the {remaining} sessions still to come.",
            p.remaining).format(more=p.needed - p.attended, remaining=p.remaining)
    if p.standing == "needs_records":
        return _("To reach it, ask a facilitator to record the sessions before you joined "
                 "that you attended.")
    return _("You can no longer reach the threshold. Please talk to the organizers.")


def not_yet(v: Viewer, s: Standing) -> str:
    p = s.progress
    head = v.tr.ngettext(
        "🎓 The certificate of completion needs {needed} of the {total} session of your "
        "program. You have attended {attended}.",
        "🎓 The certificate of completion needs {needed} of the {total} sessions of your "
        "program. You have attended {attended}.",
        p.total,
    ).format(needed=p.needed, total=p.total, attended=p.attended)
    return "\n".join([head, _standing_line(v, s), v.tr.gettext("/me shows each session.")])


def confirm_name(v: Viewer, name: str) -> str:
    """Also the message the organizers send to everyone eligible (the prompt)."""
    _ = v.tr.gettext
    return "\n\n".join([
        "🎓 " + _("You have reached the certificate of completion threshold. Your name will "
                 "be printed on it as:"),
        f"<b>{escape(name)}</b>",
        _("Is it written exactly right, with capitals, accents and apostrophes?"),
    ])


def name_confirmed(v: Viewer, name: str) -> str:
    return "✅ " + v.tr.gettext(
        "Your certificate will read: {name}. The organizers will send it to you here when "
        "certificates are issued."
    ).format(name=f"<b>{escape(name)}</b>")


def ask_name(v: Viewer, limit: int) -> str:
    return v.tr.gettext(
        "Send me your name exactly as it should be printed on your certificate (one line, at "
        "most {limit} characters)."
    ).format(limit=limit)


def cannot_print(v: Viewer, chars: list[str]) -> str:
    return v.tr.gettext(
        "The certificate cannot print these characters: {chars}. Please write your name in "
        "Latin letters."
    ).format(chars=escape(" ".join(chars)))


def on_its_way(v: Viewer) -> str:
    return "🎓 " + v.tr.gettext("Your certificate has been issued and is on its way to you here.")


def caption(v: Viewer, c: Certificate) -> str:
    return "🎓 " + v.tr.gettext(
        "Your certificate of completion. Verification code: {code}"
    ).format(code=f"<code>{shown_code(c.code)}</code>")


def revoked_for_holder(v: Viewer, c: Certificate) -> str:
    _ = v.tr.gettext
    return _("Your certificate of completion ({code}) was revoked on {date}. Reason: {reason}") \
        .format(code=shown_code(c.code), date=long_date(v, c.revoked_at or c.issued_at),
                reason=escape(c.revoke_reason or "—"))


# verification


SHOWN_CODE = 40  # at most this much of what was typed is shown back


def verification(v: Viewer, schedule: Schedule, c: Certificate | None, typed: str) -> str:
    """What anyone who checks a code sees: no personal data beyond what the paper shows."""
    _ = v.tr.gettext
    if c is None:
        if len(typed) > SHOWN_CODE:  # never echoed whole: a code has 16 characters
            typed = typed[:SHOWN_CODE] + "…"
        return "❓ " + _(
            "No certificate has the code {code}. Check that it was typed in full: 16 letters "
            "and digits, as printed under the QR code."
        ).format(code=f"<code>{escape(typed)}</code>")
    if c.valid:
        lines = ["✅ <b>" + _("Valid certificate") + "</b>"]
    else:
        lines = ["⛔ <b>" + _("Revoked certificate") + "</b> · " + _("revoked on {date}").format(
            date=long_date(v, c.revoked_at or c.issued_at))]
    program = c.document["program"].get(v.lang) or c.document["program"]["en"]
    if c.name is None:
        lines.append(_("Its holder's data was deleted at their request."))
    else:
        country = schedule.country(c.country)
        lines += [
            _("Name: {name}").format(name=escape(c.name)),
            _("Group: {group}").format(group=group_name(v, c.group)),
        ]
        if c.country:
            where = f"{flag(c.country)} {escape(_country(v, schedule, c.country))}" \
                if country else escape(c.country)
            lines.append(_("Country: {country}").format(country=where))
        lines.append(_("Sessions attended: {attended} of {total} ({hours})").format(
            attended=c.attended, total=c.total, hours=hours(v, c.minutes)))
    lines += [
        _("Program: {program}").format(program=escape(program)),
        _("Issued on {date}").format(date=long_date(v, c.issued_at)),
        _("Code: {code}").format(code=f"<code>{shown_code(c.code)}</code>"),
    ]
    return "\n".join(lines)


def verify_usage(v: Viewer) -> str:
    return v.tr.gettext(
        "Send /verify followed by the code printed under the QR code, for example "
        "/verify 7K3M-9QXD-2HTB-W4PZ."
    )


# organizers


def overview(v: Viewer, schedule: Schedule, rows: list[tuple[str | None, Tally]],
             total: Tally | None, delivery: dict[str, int]) -> str:
    """/certificates: counts per country (and for everyone, for unlimited staff)."""
    _ = v.tr.gettext
    lines = [
        "🎓 <b>" + _("Certificates of completion") + "</b>",
        _("Threshold: {threshold} of the sessions of each person's program.").format(
            threshold=v.percent(schedule.checkin.certificate_threshold_percent / 100)),
        "",
    ]

    def counts(label: str, t: Tally) -> str:
        text = _("{label}: eligible {eligible} · name confirmed {confirmed} · issued {issued} "
                 "· not eligible {not_eligible}").format(
            label=label, eligible=v.number(t.eligible), confirmed=v.number(t.confirmed),
            issued=v.number(t.issued), not_eligible=v.number(t.not_eligible))
        if t.revoked:
            text += " · " + _("revoked {count}").format(count=v.number(t.revoked))
        return text

    for code, t in rows:
        country = schedule.country(code)
        label = (f"{flag(country.code)} {escape(country_name(country, v.lang))}" if country
                 else _("Other / no country"))
        lines.append(counts(label, t))
    if total is not None:
        lines += ["", "<b>" + counts(_("All countries"), total) + "</b>"]
    failed = sum(delivery.get(k, 0) for k in ("blocked", "failed", "unknown"))
    sending = delivery.get("pending", 0) + delivery.get("sending", 0)
    if sending or failed or delivery.get("sent"):
        lines.append(_("Delivered: {sent} · on the way: {sending} · not delivered: {failed}")
                     .format(sent=v.number(delivery.get("sent", 0)), sending=v.number(sending),
                             failed=v.number(failed)))
    policy = schedule.certificates.languages
    lines.append(_("Language: each person's own, with English") if policy == "english+person"
                 else _("Language: each person's own"))
    return "\n".join(lines)


def confirm_issue(v: Viewer, count: int) -> str:
    return v.tr.ngettext(
        "Issue {count} certificate now? The person gets it here as a PDF. It cannot be "
        "taken back, only revoked.",
        "Issue {count} certificates now? Each person gets theirs here as a PDF. They cannot be "
        "taken back, only revoked.",
        count,
    ).format(count=count)


def issuing(v: Viewer, count: int) -> str:
    return "📤 " + v.tr.ngettext(
        "{count} certificate issued: it is being sent now. /certificates shows the delivery.",
        "{count} certificates issued: they are being sent now. /certificates shows the "
        "delivery.",
        count,
    ).format(count=count)


def nothing_to_issue(v: Viewer) -> str:
    return v.tr.gettext(
        "Nobody is waiting for a certificate: people get one once they have reached the "
        "threshold and confirmed their name."
    )


def asking(v: Viewer, count: int) -> str:
    return "📨 " + v.tr.ngettext(
        "Asking {count} person to confirm the name on their certificate.",
        "Asking {count} people to confirm the name on their certificate.",
        count,
    ).format(count=count)


def nobody_to_ask(v: Viewer) -> str:
    return v.tr.gettext("Everyone eligible has confirmed their name or has already been asked.")


def delivery_report(v: Viewer, sent: int, failed: int) -> str:
    return "🎓 " + v.tr.gettext(
        "Certificates sent: {sent} delivered · {failed} not delivered. /certificates shows "
        "the totals."
    ).format(sent=sent, failed=failed)


def revoke_usage(v: Viewer) -> str:
    return v.tr.gettext(
        "Usage: /revokecert CODE (or the person's user id or @username); then send the reason "
        "in one message."
    )


def no_certificate(v: Viewer, ref: str) -> str:
    return v.tr.gettext("No certificate matches {ref}.").format(ref=escape(ref))


def already_revoked(v: Viewer) -> str:
    return v.tr.gettext("This certificate is already revoked.")


def ask_reason(v: Viewer, schedule: Schedule, c: Certificate) -> str:
    return "\n\n".join([
        verification(v, schedule, c, c.code),
        v.tr.gettext("Send the reason for revoking this certificate in one message, or "
                     "/cancel."),
    ])


def revoked_done(v: Viewer, c: Certificate) -> str:
    return "⛔ " + v.tr.gettext(
        "Certificate {code} of {name} is revoked. Anyone who checks it now sees that."
    ).format(code=shown_code(c.code), name=escape(c.name or "—"))


def revoked_notice(v: Viewer, code: str, reason: str) -> str:
    """To the holder: the organizers revoked their certificate."""
    return "⛔ " + v.tr.gettext(
        "The organizers have revoked your certificate of completion ({code}). Reason: {reason}"
    ).format(code=shown_code(code), reason=escape(reason))


def forget_question(v: Viewer, c: Certificate) -> str:
    """Added to /forget's confirmation for someone holding a valid certificate."""
    return v.tr.gettext(
        "You hold a certificate of completion ({code}). Should it stay verifiable? Whoever "
        "checks its code would still see your name, group, country, sessions attended and "
        "issue date. Otherwise it is revoked and your name removed from it."
    ).format(code=shown_code(c.code))
