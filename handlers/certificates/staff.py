"""/certificates (counts per country; organizers ask for names and issue) and /revokecert."""

from __future__ import annotations

from collections import Counter

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.certificates import jobs, rules, texts
from bot.certificates.keyboards import Manage, issue_keyboard, manage_keyboard
from bot.context import BotContext, Who
from bot.membership import may_act_on
from bot.notify import notify
from bot.people.rules import clean_text
from bot.roles import allows
from bot.storage.certificates import Certificate
from bot.storage.pending import Pending
from bot.viewer import program_wide_refusal, scope_refusal
from handlers import input
from handlers.common import restricted, show

REASON = "certificate_revoke"  # pending input: the reason, data {"code": CODE}
MAX_REASON = 300


async def _overview(w: Who) -> tuple[str, InlineKeyboardMarkup | None]:
    svc = w.svc
    everyone = await jobs.standings(svc)
    standings = [s for s in everyone if may_act_on(w.member, s.person.country)]
    groups = rules.by_country(standings)
    codes = [c.code for c in svc.schedule.countries if c.code in groups]
    rows: list[tuple[str | None, rules.Tally]] = [(code, rules.tally(groups[code]))
                                                  for code in codes]
    others = [s for code, found in groups.items() if code not in codes for s in found]
    if others:
        rows.append((None, rules.tally(others)))
    total = rules.tally(standings) if w.member.unlimited else None
    delivery = Counter(s.certificate.delivery for s in standings if s.certificate is not None)
    text = texts.overview(w.view, svc.schedule, rows, total, dict(delivery))
    markup = None
    if w.role == "organizer":
        asking = len(await jobs.to_ask(svc, everyone))
        markup = manage_keyboard(w.view, asking, sum(t.ready for _code, t in rows))
    return text, markup


@restricted("facilitator")
async def certificates_command(update: Update, context: BotContext) -> None:
    text, markup = await _overview(await context.who())
    await show(update, text, markup)


@restricted("organizer")
async def on_manage(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(Manage)
    w = await context.who()
    await query.answer()
    if not w.member.unlimited:  # issuing reaches every country
        await show(update, program_wide_refusal(w.view), new=True)
        return
    app = context.application
    if pressed.action == "ask":
        count = await jobs.ask_names(app)
        text = texts.asking(w.view, count) if count else texts.nobody_to_ask(w.view)
        await show(update, text, new=True)
    elif pressed.action == "issue":
        ready = sum(1 for s in await jobs.standings(w.svc) if s.state == "confirmed")
        if ready:
            await show(update, texts.confirm_issue(w.view, ready), issue_keyboard(w.view))
        else:
            await show(update, texts.nothing_to_issue(w.view), new=True)
    elif pressed.action == "go":
        count = await jobs.issue(app, w.user_id)
        await show(update, texts.issuing(w.view, count) if count
                   else texts.nothing_to_issue(w.view))
    else:
        text, markup = await _overview(w)
        await show(update, text, markup)


async def _find(w: Who, ref: str) -> Certificate | None:
    store = w.svc.repo.certificates
    code = rules.parse_code(ref)
    if code is not None:
        return await store.get(code)
    person = await w.svc.repo.participants.find(ref)
    return await store.of_user(person.user_id) if person is not None else None


@restricted("organizer")
async def revoke_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None
    args = context.args or []
    if len(args) != 1:
        await message.reply_text(texts.revoke_usage(w.view))
        return
    c = await _find(w, args[0])
    if c is None:
        await message.reply_text(texts.no_certificate(w.view, args[0]))
    elif not may_act_on(w.member, c.country):
        await message.reply_text(
            scope_refusal(w.view, w.svc.schedule, w.member.scope, "certificates"))
    elif not c.valid:
        await message.reply_text(texts.already_revoked(w.view))
    else:
        await input.ask(update, context, REASON, {"code": c.code})
        await message.reply_text(texts.ask_reason(w.view, w.svc.schedule, c))


async def on_reason(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    _ = w.view.tr.gettext
    if not allows(w.role, "organizer"):  # rights taken back while the question waited
        await input.done(update, context)
        await message.reply_text(_("Sorry, only organizers can do that."))
        return
    reason = clean_text(message.text or "", MAX_REASON)
    if reason is None:
        await message.reply_text(_("Please send one line of at most {limit} characters.")
                                 .format(limit=MAX_REASON))
        return
    await input.done(update, context)
    svc = w.svc
    store = svc.repo.certificates
    code = str(pending.data.get("code"))
    c = await store.get(code)
    now = svc.clock.now()
    revoked = False
    if c is not None and may_act_on(w.member, c.country):
        async with svc.repo.audited(
                w.user_id, "certificate_revoke", now, detail=f"{code}: {reason}",
                target=str(c.user_id) if c.user_id is not None else None) as entry:
            revoked = await store.revoke(code, reason, w.user_id, now)
            if not revoked:
                entry.skip()
    if c is None or not revoked:
        await message.reply_text(texts.already_revoked(w.view))
        return
    await message.reply_text(texts.revoked_done(w.view, c))
    holder = await svc.repo.participants.get(c.user_id) if c.user_id is not None else None
    if holder is not None:
        notify(context.application, [holder],
               lambda v, _p: texts.revoked_notice(v, code, reason))


def register(app: Application) -> None:
    input.expect(REASON, on_reason)
    app.add_handler(CommandHandler("certificates", certificates_command))
    app.add_handler(CommandHandler("revokecert", revoke_command))
    app.add_handler(CallbackQueryHandler(on_manage, pattern=Manage.pattern()))
