"""/people: who is in the program, with counts; filters by country and group.

Organizers and unlimited facilitators see everyone; a facilitator limited to some countries
(a co-facilitator: their own) sees only those.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.membership import may_act_on
from bot.models import Participant
from bot.people import texts
from bot.people.card_keyboards import people_buttons
from bot.people.keyboards import PeopleList, people_filter_keyboard
from bot.people.rules import PeopleFilter, parse_people_args, select, split_staff, staff_label
from bot.roles import effective_role
from bot.viewer import scope_refusal
from handlers.common import not_understood, personal, restricted

PER_MESSAGE = 30  # people per message, each with a button for their card


def _scope(w: Who) -> set[str] | None:
    return set(w.member.scope) if w.member.scope is not None else None


async def _send_list(update: Update, w: Who, f: PeopleFilter) -> None:
    _ = w.view.tr.gettext
    scope = _scope(w)
    chat = update.effective_chat
    assert chat is not None
    if f.country is not None and not may_act_on(w.member, f.country):
        await chat.send_message(scope_refusal(w.view, w.svc.schedule, w.member.scope, "people"))
        return
    people, staff = split_staff(select(await w.svc.repo.people.registered(), f, scope),
                                w.svc.settings.organizer_ids)
    v, schedule = w.view, w.svc.schedule
    organizers = list(w.svc.settings.organizer_ids)

    async def line(p: Participant) -> tuple[str, Participant]:
        role = effective_role(p.user_id, p, organizers)
        countries = (await w.svc.repo.people.facilitator_countries(p.user_id)
                     if role == "facilitator" else set())
        return texts.person_line(v, schedule, p, staff_label(role, p, countries)), p

    entries: list[tuple[str, Participant | None]] = [
        (texts.people_summary(v, schedule, people), None), ("", None)]
    entries += [await line(p) for p in people]
    if staff:
        entries += [("", None), (texts.staff_heading(v, len(staff)), None)]
        entries += [await line(p) for p in staff]
    for lines, listed in _pages(entries):
        await chat.send_message("\n".join(lines), reply_markup=people_buttons(listed))


def _pages(entries: list[tuple[str, Participant | None]], limit: int = 3800
           ) -> list[tuple[list[str], list[Participant]]]:
    """Messages under Telegram's 4096 characters with at most PER_MESSAGE people each (a
    button for each one's card)."""
    out: list[tuple[list[str], list[Participant]]] = [([], [])]
    size = 0
    for line, person in entries:
        lines, listed = out[-1]
        if lines and (size + len(line) + 1 > limit
                      or (person is not None and len(listed) == PER_MESSAGE)):
            out.append(([], []))
            lines, listed, size = *out[-1], 0
        lines.append(line)
        size += len(line) + 1
        if person is not None:
            listed.append(person)
    return out


@personal
@restricted("facilitator")
async def people_command(update: Update, context: BotContext) -> None:
    w = await context.who()
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
    scope = _scope(w)
    people, _staff = split_staff(select(await w.svc.repo.people.registered(), PeopleFilter(),
                                        scope), w.svc.settings.organizer_ids)
    await update.effective_message.reply_text(
        texts.people_summary(w.view, w.svc.schedule, people),
        reply_markup=people_filter_keyboard(w.view, w.svc.schedule, scope,
                                            texts.group_names(w.view)))


@restricted("facilitator")
async def on_people_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PeopleList)
    await query.answer()
    w = await context.who()
    words: list[str] = [pressed.country, pressed.group]
    if pressed.country == "all":
        words = [pressed.group]
    f = parse_people_args(words, w.svc.schedule)
    if f is None:  # a country code not in schedule.json (any more)
        await not_understood(update, context)
        return
    await _send_list(update, w, f)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("people", people_command))
    app.add_handler(CallbackQueryHandler(on_people_button, pattern=PeopleList.pattern()))
