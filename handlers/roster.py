"""/roster (organizers only): a CSV or XLSX roster in, personal single-use links out.

`/roster [DAYS] [qr]` asks for the file (pending input "roster"); a document sent with the
caption `/roster [DAYS] [qr]` is imported at once. Nothing is applied unless every row is
valid; the answer is a summary, links.csv and links.xlsx (and with `qr` a zip of QR codes).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from tempfile import TemporaryDirectory

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from bot.parsing import parse_int
from bot.roles import allows
from bot.roster import texts
from bot.roster.importer import qr_zip, run_import, write_links
from bot.roster.rules import DEFAULT_DAYS, MAX_BYTES, MAX_DAYS, Problem
from bot.storage.pending import Pending
from handlers import input
from handlers.common import personal, restricted

ROSTER = "roster"  # pending input: the file; data {"days": N, "qr": bool}


def _options(args: list[str]) -> tuple[int, bool] | None:
    days, qr = DEFAULT_DAYS, False
    for arg in args:
        number = parse_int(arg, max_digits=3)
        if arg.lower() == "qr":
            qr = True
        elif number is not None and 1 <= number <= MAX_DAYS:
            days = number
        else:
            return None
    return days, qr


@personal
@restricted("organizer")
async def roster_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    options = _options(context.args or [])
    days, qr = options or (DEFAULT_DAYS, False)
    if options is not None:
        await input.ask(update, context, ROSTER, {"days": days, "qr": qr})
    await update.effective_message.reply_text(texts.ask_file(w.view, days))


async def _import(update: Update, context: BotContext, days: int, qr: bool) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if (document.file_size or 0) > MAX_BYTES:
        await message.reply_text(texts.refused(w.view, [Problem(0, "", "too_big")]))
        return
    content = bytes(await (await document.get_file()).download_as_bytearray())
    svc, now = w.svc, w.svc.clock.now()
    result = await run_import(svc.repo, svc.schedule, document.file_name or "", content,
                              by=w.user_id, now=now, days=days)
    if result.problems:
        await message.reply_text(texts.refused(w.view, result.problems))
        return
    until = max((r.expires_at for r in result.rows if r.status != "joined"), default=None)
    await message.reply_text(texts.summary(w.view, result.counts, until))
    username = context.bot.username
    caption = texts.links_caption(w.view, len(result.rows), now)
    # Files are written off the event loop (2000 QR codes take ~30 s of CPU).
    with TemporaryDirectory() as folder:
        paths = await asyncio.to_thread(write_links, Path(folder) / "links.csv", result.rows,
                                        username)
        files = [(path.name, path.read_bytes()) for path in paths]
    for name, content in files:
        await message.reply_document(document=content, filename=name, caption=caption)
    if qr:
        archive = await asyncio.to_thread(qr_zip, result.rows, username)
        await message.reply_document(document=archive, filename="links-qr.zip",
                                     caption=texts.qr_caption(w.view, len(result.rows)))


async def on_file(update: Update, context: BotContext, pending: Pending) -> None:
    """The file after /roster (the role is checked again: it may have been revoked since)."""
    w = await context.who()
    message = update.effective_message
    assert message is not None
    if not allows(w.role, "organizer"):
        await input.done(update, context, ROSTER)
        return
    if message.document is None:
        await message.reply_text(texts.not_a_file(w.view))
        return
    await input.done(update, context, ROSTER)
    days = pending.data.get("days")
    await _import(update, context, days if isinstance(days, int) else DEFAULT_DAYS,
                  bool(pending.data.get("qr")))


@restricted("organizer")
async def _captioned(update: Update, context: BotContext) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None
    options = _options((message.caption or "").split()[1:])
    if options is None:
        await message.reply_text(texts.ask_file(w.view, DEFAULT_DAYS))
        return
    await _import(update, context, *options)


async def on_captioned(update: Update, context: BotContext) -> None:
    """A roster sent with the caption /roster (organizers only: checked by _captioned)."""
    await _captioned(update, context)


def register(app: Application) -> None:
    input.expect(ROSTER, on_file)
    app.add_handler(CommandHandler("roster", roster_command))
    app.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & filters.Document.ALL
        & filters.CaptionRegex(r"^/roster(@\w+)?(\s|$)"), on_captioned))
