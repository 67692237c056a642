"""/invite and /invites (organizers): invitation links into a group and country.

Callback data: "inv:g:<group>" (pick the group), "inv:c:<group>:<CC|any>:<uses>:<days>"
(pick the country and create), "inv:rev:<code>" (withdraw).
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.registration import (
    ANY,
    DEFAULT_DAYS,
    DEFAULT_USES,
    MAX_DAYS,
    MAX_USES,
    Invitation,
    deep_link,
    new_code,
)
from bot.registration import parse_invite_args as parse_args
from bot.schedule import Group
from bot.views import country_name, flag
from handlers.common import Who, restricted, who
from handlers.registration import group_title

MAX_LISTED = 20


def _usage(w: Who) -> str:
    _ = w.view.tr.gettext
    return _(
        "Usage: /invite core COUNTRY [USES] [DAYS] or /invite wider COUNTRY|any [USES] [DAYS], "
        "e.g. /invite core PE 7 30. COUNTRY is a code (PE) or a name."
    )


def _when(w: Who, inv: Invitation) -> str:
    return f"{w.view.date(inv.expires_at, 'medium')} {w.view.time(inv.expires_at)}"


def _link(context: ContextTypes.DEFAULT_TYPE, inv: Invitation) -> str:
    return deep_link(context.bot.username, inv.code)


def group_keyboard(w: Who) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(_("Core group"), callback_data="inv:g:core"),
        InlineKeyboardButton(_("Wider group"), callback_data="inv:g:wider"),
    ]])


def country_keyboard(w: Who, group: Group, uses: int, days: int) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    buttons = [
        InlineKeyboardButton(f"{flag(c.code)} {country_name(c, w.view.lang)}",
                             callback_data=f"inv:c:{group}:{c.code}:{uses}:{days}")
        for c in w.svc.schedule.countries
    ]
    if group == "wider":
        buttons.append(InlineKeyboardButton("🌐 " + _("Any country"),
                                            callback_data=f"inv:c:{group}:{ANY}:{uses}:{days}"))
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


async def _create(update: Update, context: ContextTypes.DEFAULT_TYPE, w: Who, group: Group,
                  country: str, uses: int, days: int) -> str:
    _ = w.view.tr.gettext
    now = w.svc.clock.now()
    inv = Invitation(
        code=new_code(), group=group, country=None if country == ANY else country,
        max_uses=uses, uses=0, expires_at=now + timedelta(days=days),
        created_by=w.person.user_id, created_at=now, revoked_at=None,
    )
    await w.svc.repo.invitations.create(inv)
    await w.svc.repo.audit(w.person.user_id, "invite", now, target=inv.code,
                           detail=f"{group} {country} uses={uses} days={days}")
    lines = [
        "✉️ " + _("Invitation: {group}").format(group=group_title(w, inv.group, inv.country)),
        escape(_link(context, inv)),
        w.view.tr.ngettext(
            "Up to {count} person can join with it, until {date}.",
            "Up to {count} people can join with it, until {date}.", uses,
        ).format(count=uses, date=_when(w, inv)),
        _("Send the link to the people you invite. /invites lists your links and withdraws "
          "them."),
    ]
    return "\n".join(lines)


@restricted("organizer")
async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    parsed = parse_args(context.args or [], w.svc.schedule)
    reply = update.effective_message.reply_text
    if parsed.error == "any_core":
        await reply(_("A core group invitation is for one country: give its code, e.g. "
                      "/invite core PE."))
        return
    if parsed.error == "country":
        await reply(_("I don't know that country.") + "\n" + _usage(w))
        return
    if parsed.error is not None:
        await reply(_usage(w))
        return
    if parsed.group is None:
        await reply(_("Invite people to which group?"), reply_markup=group_keyboard(w))
        return
    uses = parsed.uses or DEFAULT_USES[parsed.group]
    days = parsed.days or DEFAULT_DAYS
    if parsed.country is None:
        await reply(_("Which country?"),
                    reply_markup=country_keyboard(w, parsed.group, uses, days))
        return
    await reply(await _create(update, context, w, parsed.group, parsed.country, uses, days))


@restricted("organizer")
async def on_invite_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    w = await who(update, context)
    _ = w.view.tr.gettext
    parts = query.data.split(":")
    group: Group = "core" if parts[2] == "core" else "wider"
    if parts[1] == "g":
        await query.edit_message_text(
            _("Which country?"),
            reply_markup=country_keyboard(w, group, DEFAULT_USES[group], DEFAULT_DAYS))
        return
    country, uses, days = parts[3], int(parts[4]), int(parts[5])
    known = country == ANY and group == "wider" or w.svc.schedule.country(country) is not None
    if not known or not (1 <= uses <= MAX_USES and 1 <= days <= MAX_DAYS):
        await query.edit_message_text(_usage(w))
        return
    await query.edit_message_text(await _create(update, context, w, group, country, uses, days))


def invites_view(w: Who, context: ContextTypes.DEFAULT_TYPE,
                 active: list[Invitation]) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = w.view.tr.gettext
    if not active:
        return _("No active invitation links. Create one with /invite."), None
    lines = ["<b>" + _("Active invitation links") + "</b>"]
    buttons = []
    for i, inv in enumerate(active[:MAX_LISTED], start=1):
        lines.append("")
        lines.append(f"{i}. " + group_title(w, inv.group, inv.country))
        lines.append(_("{left} of {total} uses left · until {date}").format(
            left=inv.uses_left, total=inv.max_uses, date=_when(w, inv)))
        lines.append(escape(_link(context, inv)))
        buttons.append(InlineKeyboardButton("✖️ " + _("Withdraw {number}").format(number=i),
                                            callback_data=f"inv:rev:{inv.code}"))
    if len(active) > MAX_LISTED:
        lines += ["", _("… and {count} more.").format(count=len(active) - MAX_LISTED)]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@restricted("organizer")
async def invites_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    text, keyboard = invites_view(w, context, await w.svc.repo.invitations.active(
        w.svc.clock.now()))
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)


@restricted("organizer")
async def on_revoke_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    w = await who(update, context)
    _ = w.view.tr.gettext
    code = query.data.split(":", 2)[2]
    now = w.svc.clock.now()
    if await w.svc.repo.invitations.revoke(code, now):
        await w.svc.repo.audit(w.person.user_id, "invite.revoke", now, target=code)
        await query.answer(_("Withdrawn: that link no longer works."))
    else:
        await query.answer(_("That link was already withdrawn or does not exist."))
    text, keyboard = invites_view(w, context, await w.svc.repo.invitations.active(now))
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:  # pressed on an old list that already shows this
        if "not modified" not in exc.message:
            raise


def register(app: Application) -> None:
    app.add_handler(CommandHandler("invite", invite_command))
    app.add_handler(CommandHandler("invites", invites_command))
    app.add_handler(CallbackQueryHandler(
        on_invite_button,
        pattern=r"^inv:(g:(core|wider)|c:(core|wider):([A-Z]{2}|any):\d{1,4}:\d{1,3})$"))
    app.add_handler(CallbackQueryHandler(on_revoke_button, pattern=r"^inv:rev:[\w-]{8,43}$"))
