"""/invite and /invites (organizers): invitation links into a group and country."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.models import Group
from bot.people import texts
from bot.people.keyboards import (
    InviteCountry,
    InviteGroup,
    WithdrawInvite,
    invite_country_keyboard,
    invite_group_keyboard,
    withdraw_keyboard,
)
from bot.people.rules import (
    ANY,
    DEFAULT_DAYS,
    DEFAULT_USES,
    MAX_DAYS,
    MAX_USES,
    deep_link,
    new_code,
    parse_invite_args,
)
from bot.storage.invitations import Invitation
from handlers.common import restricted, show


async def _create(context: BotContext, w: Who, group: Group, country: str, uses: int,
                  days: int) -> str:
    now = w.svc.clock.now()
    inv = Invitation(
        code=new_code(), group=group, country=None if country == ANY else country,
        max_uses=uses, uses=0, expires_at=now + timedelta(days=days),
        created_by=w.user_id, created_at=now, revoked_at=None,
    )
    async with w.svc.repo.audited(w.user_id, "invite", now, target=inv.code,
                                  detail=f"{group} {country} uses={uses} days={days}"):
        await w.svc.repo.invitations.create(inv)
    return texts.invitation_text(w.view, w.svc.schedule, inv,
                                 deep_link(context.bot.username, inv.code))


@restricted("organizer")
async def invite_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    parsed = parse_invite_args(context.args or [], w.svc.schedule)
    reply = update.effective_message.reply_text
    if parsed.error == "any_core":
        await reply(_("A core group invitation is for one country: give its code, e.g. "
                      "/invite core PE."))
        return
    if parsed.error == "country":
        await reply(_("I don't know that country.") + "\n" + texts.invite_usage(w.view))
        return
    if parsed.error is not None:
        await reply(texts.invite_usage(w.view))
        return
    if parsed.group is None:
        await reply(_("Invite people to which group?"), reply_markup=invite_group_keyboard(w.view))
        return
    uses = parsed.uses or DEFAULT_USES[parsed.group]
    days = parsed.days or DEFAULT_DAYS
    if parsed.country is None:
        await reply(_("Which country?"), reply_markup=invite_country_keyboard(
            w.view, w.svc.schedule, parsed.group, uses, days))
        return
    await reply(await _create(context, w, parsed.group, parsed.country, uses, days))


@restricted("organizer")
async def on_group_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(InviteGroup)
    await query.answer()
    w = await context.who()
    await query.edit_message_text(
        w.view.tr.gettext("Which country?"),
        reply_markup=invite_country_keyboard(w.view, w.svc.schedule, pressed.group,
                                             DEFAULT_USES[pressed.group], DEFAULT_DAYS))


@restricted("organizer")
async def on_country_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(InviteCountry)
    await query.answer()
    w = await context.who()
    country, group = pressed.country, pressed.group
    known = country == ANY and group == "wider" or w.svc.schedule.country(country) is not None
    if not known or not (1 <= pressed.uses <= MAX_USES and 1 <= pressed.days <= MAX_DAYS):
        await query.edit_message_text(texts.invite_usage(w.view))
        return
    await query.edit_message_text(
        await _create(context, w, group, country, pressed.uses, pressed.days))


def _invites_screen(w: Who, context: BotContext, active: list[Invitation]) -> tuple[str, object]:
    text = texts.invites_text(w.view, w.svc.schedule, active,
                              lambda inv: deep_link(context.bot.username, inv.code))
    if not active:
        return text, None
    return text, withdraw_keyboard(w.view, [inv.code for inv in active[:texts.MAX_LISTED]])


@restricted("organizer")
async def invites_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, keyboard = _invites_screen(w, context, await w.svc.repo.invitations.active(
        w.svc.clock.now()))
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)  # type: ignore[arg-type]


@restricted("organizer")
async def on_revoke_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(WithdrawInvite)
    w = await context.who()
    _ = w.view.tr.gettext
    now = w.svc.clock.now()
    async with w.svc.repo.audited(w.user_id, "invite.revoke", now,
                                  target=pressed.code) as entry:
        if not await w.svc.repo.invitations.revoke(pressed.code, now):
            entry.skip()
    if not entry.skipped:
        await query.answer(_("Withdrawn: that link no longer works."))
    else:
        await query.answer(_("That link was already withdrawn or does not exist."))
    text, keyboard = _invites_screen(w, context, await w.svc.repo.invitations.active(now))
    await show(update, text, keyboard)  # type: ignore[arg-type]


def register(app: Application) -> None:
    app.add_handler(CommandHandler("invite", invite_command))
    app.add_handler(CommandHandler("invites", invites_command))
    app.add_handler(CallbackQueryHandler(on_group_button, pattern=InviteGroup.pattern()))
    app.add_handler(CallbackQueryHandler(on_country_button, pattern=InviteCountry.pattern()))
    app.add_handler(CallbackQueryHandler(on_revoke_button, pattern=WithdrawInvite.pattern()))
