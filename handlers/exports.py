"""/export [attendance|goals|feedback|coaching|certificates|networking|people]: exports.

Organizers export every kind; facilitators `/export people` only, for their countries (like
/people). Each file comes with a caption: what it is, for which countries, as of when (the
viewer's zone) and how many rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot import spreadsheet
from bot.attendance.export import write_attendance
from bot.coaching.export import write_coaching
from bot.context import BotContext, Who
from bot.exports import EXPORTERS, FORMATS, caption
from bot.people.export import write_people
from bot.services import Services
from handlers.common import personal, restricted

Write = Callable[[str, Path], Awaitable[None]]  # (format, path)
FACILITATORS_MAY = ("people",)


def writers(svc: Services, now: datetime, scope: frozenset[str] | None = None
            ) -> dict[str, Write]:
    """The kinds /export offers, each as of now (the attendance leaves the organizers out);
    scope: the countries of a limited facilitator (people only)."""
    repo, schedule = svc.repo, svc.schedule
    kinds: dict[str, Write] = {
        kind: partial(EXPORTERS[kind], repo, schedule)
        for kind in ("goals", "feedback", "certificates", "networking")
    }
    kinds["attendance"] = partial(write_attendance, repo, schedule, now=now,
                                  exclude=svc.settings.organizer_ids)
    kinds["coaching"] = partial(write_coaching, repo, schedule, now=now)
    kinds["people"] = partial(write_people, repo, schedule,
                              organizers=svc.settings.organizer_ids, scope=scope)
    return kinds


async def send_export(update: Update, context: BotContext, kind: str) -> None:
    """Both files of one kind, written first, then sent with their caption; audited."""
    w = await context.who()
    message = update.effective_message
    assert message is not None
    svc, now = w.svc, w.svc.clock.now()
    scope = w.member.scope
    write = writers(svc, now, scope)[kind]
    with TemporaryDirectory() as folder:
        files = []
        for fmt in FORMATS:
            path = Path(folder) / f"{kind}.{fmt}"
            await write(fmt, path)
            files.append((path.name, path.read_bytes()))
        rows = spreadsheet.count_rows(Path(folder) / f"{kind}.csv")
    await svc.repo.participants.audit(w.user_id, "export", now, target=kind)
    text = caption(w.view, svc.schedule, kind, scope, now, rows)
    for name, content in files:
        await message.reply_document(document=content, filename=name, caption=text)


def _usage(w: Who) -> str:
    _ = w.view.tr.gettext
    people = _("/export people: everyone registered, staff apart (people.csv and people.xlsx).")
    if w.role != "organizer":
        return people
    return "\n".join([
        _("Usage: /export (attendance.csv and attendance.xlsx) or /export goals "
          "(goals.csv and goals.xlsx)."),
        _("/export feedback: the session ratings and comments (feedback.csv and "
          "feedback.xlsx)."),
        _("/export coaching: coaching.csv and coaching.xlsx."),
        _("/export certificates: the register of certificates (certificates.csv and "
          "certificates.xlsx)."),
        _("/export networking: anonymous networking counts (networking.csv and "
          "networking.xlsx)."),
        people,
    ])


@personal
@restricted("facilitator")
async def export_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    args = [a.lower() for a in context.args or []] or ["attendance"]
    kinds = writers(w.svc, w.svc.clock.now())
    if len(args) == 1 and args[0] in kinds:
        if w.role != "organizer" and args[0] not in FACILITATORS_MAY:
            refusal = w.view.tr.gettext("Sorry, only organizers can do that.")
            hint = "" if context.args else "\n" + _usage(w)  # bare /export: what they may
            await update.effective_message.reply_text(refusal + hint)
            return
        await send_export(update, context, args[0])
        return
    await update.effective_message.reply_text(_usage(w))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command))
