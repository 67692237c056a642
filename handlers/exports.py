"""/export [attendance|goals|feedback|coaching|certificates|networking]: organizer exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.attendance.export import write_attendance
from bot.coaching.export import write_coaching
from bot.context import BotContext
from bot.exports import EXPORTERS, FORMATS
from bot.services import Services
from handlers.common import personal, restricted

Write = Callable[[str, Path], Awaitable[None]]  # (format, path)


def writers(svc: Services, now: datetime) -> dict[str, Write]:
    """The kinds /export offers, each as of now (the attendance leaves the organizers out)."""
    repo, schedule = svc.repo, svc.schedule
    kinds: dict[str, Write] = {
        kind: partial(EXPORTERS[kind], repo, schedule)
        for kind in ("goals", "feedback", "certificates", "networking")
    }
    kinds["attendance"] = partial(write_attendance, repo, schedule, now=now,
                                  exclude=svc.settings.organizer_ids)
    kinds["coaching"] = partial(write_coaching, repo, schedule, now=now)
    return kinds


async def send_export(update: Update, context: BotContext, kind: str) -> None:
    """Both files of one kind, written first, then sent; the export is audited."""
    w = await context.who()
    message = update.effective_message
    assert message is not None
    svc, now = w.svc, w.svc.clock.now()
    write = writers(svc, now)[kind]
    with TemporaryDirectory() as folder:
        files = []
        for fmt in FORMATS:
            path = Path(folder) / f"{kind}.{fmt}"
            await write(fmt, path)
            files.append((path.name, path.read_bytes()))
    await svc.repo.participants.audit(w.user_id, "export", now, target=kind)
    for name, content in files:
        await message.reply_document(document=content, filename=name)


@personal
@restricted("organizer")
async def export_command(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in context.args or []] or ["attendance"]
    w = await context.who()
    if len(args) == 1 and args[0] in writers(w.svc, w.svc.clock.now()):
        await send_export(update, context, args[0])
        return
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        _(
            "Usage: /export (attendance.csv and attendance.xlsx) or /export goals "
            "(goals.csv and goals.xlsx)."
        )
        + "\n" + _("/export feedback: the session ratings and comments (feedback.csv and "
                    "feedback.xlsx).")
        + "\n" + _("/export coaching: coaching.csv and coaching.xlsx.")
        + "\n" + _("/export certificates: the register of certificates (certificates.csv and "
                    "certificates.xlsx).")
        + "\n" + _("/export networking: anonymous networking counts (networking.csv and "
                    "networking.xlsx).")
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command))
