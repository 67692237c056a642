"""/people: who is in the program, with counts; filters by country and group.

Organizers and unlimited facilitators see everyone; a facilitator limited to some countries
(a co-facilitator: their own) sees only those. Callback data: "ppl:<CC|all>:<group|all>".
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.models import Participant
from bot.roster import PeopleFilter, counts, pages, parse_people_args, select
from bot.views import country_name, flag
from handlers.common import (
    Who,
    facilitator_scope,
    may_act_on_country,
    not_understood,
    restricted,
    who,
)
from handlers.profile import sector_label


def _group_names(w: Who) -> dict[str, str]:
    _ = w.view.tr.gettext
    return {"core": _("core"), "wider": _("wider"), "none": _("no group")}


def _country(w: Who, code: str | None) -> str:
    found = w.svc.schedule.country(code)
    if found is None:
        return w.view.tr.gettext("No country")
    return f"{flag(found.code)} {escape(country_name(found, w.view.lang))}"


def _counts_line(w: Who, tally: dict[str, int]) -> str:
    names = _group_names(w)
    return " · ".join(f"{tally[g]} {names[g]}" for g in ("core", "wider", "none") if tally.get(g))


def summary(w: Who, people: list[Participant]) -> str:
    _ = w.view.tr.gettext
    table = counts(people)
    total: dict[str, int] = {}
    for tally in table.values():
        for group, n in tally.items():
            total[group] = total.get(group, 0) + n
    lines = ["<b>" + _("People: {count}").format(count=len(people)) + "</b>"]
    if people:
        lines.append(_counts_line(w, total))
        lines.append("")
    order = [c.code for c in w.svc.schedule.countries]
    for code in sorted(table, key=lambda c: order.index(c) if c in order else len(order)):
        lines.append(f"{_country(w, code)}: {_counts_line(w, table[code])}")
    return "\n".join(lines)


def person_line(w: Who, p: Participant) -> str:
    names = _group_names(w)
    who_ = escape(p.name) + (f" (@{escape(p.username)})" if p.username else "")
    parts = [f"• {who_} · <code>{p.user_id}</code>", names[p.group or "none"]]
    found = w.svc.schedule.country(p.country)
    if found is not None:
        parts.append(flag(found.code))
    if p.role != "participant":
        parts.append(w.view.tr.gettext("facilitator") if p.role == "facilitator" else p.role)
    if p.organization:
        parts.append(escape(p.organization))
    if p.sector:
        parts.append(escape(sector_label(w, p.sector)))
    return " · ".join(parts)


def filter_keyboard(w: Who, scope: set[str] | None) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    countries = [c for c in w.svc.schedule.countries if scope is None or c.code in scope]
    buttons = [InlineKeyboardButton(f"{flag(c.code)} {country_name(c, w.view.lang)}",
                                    callback_data=f"ppl:{c.code}:all") for c in countries]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    names = _group_names(w)
    rows.append([InlineKeyboardButton(names[g].capitalize(), callback_data=f"ppl:all:{g}")
                 for g in ("core", "wider", "none")])
    rows.append([InlineKeyboardButton(_("Everyone"), callback_data="ppl:all:all")])
    return InlineKeyboardMarkup(rows)


async def _scope(w: Who) -> set[str] | None:
    limited = await facilitator_scope(w)
    return limited or None


async def _send_list(update: Update, w: Who, f: PeopleFilter) -> None:
    _ = w.view.tr.gettext
    scope = await _scope(w)
    chat = update.effective_chat
    assert chat is not None
    if f.country is not None and not await may_act_on_country(w, f.country):
        await chat.send_message(_("You can see people of these countries only: {countries}.")
                                .format(countries=", ".join(sorted(scope or ()))))
        return
    people = select(await w.svc.repo.people.registered(), f, scope)
    lines = [summary(w, people), ""]
    lines += [person_line(w, p) for p in people]
    for page in pages(lines):
        await chat.send_message(page)


@restricted("facilitator")
async def people_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    args = context.args or []
    if args:
        f = parse_people_args(args, w.svc.schedule)
        if f is None:
            await update.effective_message.reply_text(_(
                "Usage: /people [country] [core|wider|none], e.g. /people PE core. Without "
                "filters: counts and buttons."))
            return
        await _send_list(update, w, f)
        return
    scope = await _scope(w)
    people = select(await w.svc.repo.people.registered(), PeopleFilter(), scope)
    await update.effective_message.reply_text(summary(w, people),
                                              reply_markup=filter_keyboard(w, scope))


@restricted("facilitator")
async def on_people_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    w = await who(update, context)
    _, country, group = query.data.split(":")
    f = parse_people_args([group] if country == "all" else [country, group], w.svc.schedule)
    if f is None:  # a country code not in schedule.json (any more)
        await not_understood(update, context)
        return
    await _send_list(update, w, f)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("people", people_command))
    app.add_handler(CallbackQueryHandler(
        on_people_button, pattern=r"^ppl:([A-Z]{2}|all):(core|wider|none|all)$"))
