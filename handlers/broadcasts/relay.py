"""Private messages that belong to broadcasts: the two-way reply relay.

Runs in handler group RELAY, before typed input and the general text handlers: a message it
takes is not also answered as "not understood" (ApplicationHandlerStop); anything else passes
through untouched. A draft's content, versions and time are typed input (handlers/input.py,
handlers/broadcasts/preview.py); only a forwarded message is handed to the draft from here,
so that it is content and not an organizer's "whose message is this?" (group FORWARD).

Relay: a participant who replies to a broadcast (or to an answer relayed back) has the reply
copied to every facilitator and organizer, under a header saying who wrote it: in the
background, as bulk sends, so the participant's confirmation (given once the copies are
queued) never waits for the fan-out. A facilitator
who replies to that header or copy has the answer copied back to the participant, as a reply
to their message. Every relayed message is mapped in relay_links, so it works after restarts.
A question asked with /ask (handlers/questions.py) is a thread of its own: its links carry the
question's id instead of a broadcast's, and an answer marks the question answered.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import Message, ReplyParameters, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    MessageHandler,
    filters,
)

from bot import notify
from bot.broadcasts.texts import relay_header
from bot.context import BotContext
from bot.faults import persist
from bot.membership import covers
from bot.questions.texts import question_header
from bot.services import Services
from bot.storage.broadcast_records import RelayLink
from handlers import input
from handlers.broadcasts import preview
from handlers.broadcasts.drafts import KIND
from handlers.common import Group


async def staff_for_relay(svc: Services, user_id: int) -> list[int]:
    """Who gets a participant's reply: the staff who look after their country
    (bot.membership.covers), never themselves."""
    person = await svc.repo.participants.get(user_id)
    return [p.user_id for p in await notify.staff(svc.app, person.country if person else None,
                                                  exclude=user_id)]


async def relay_to_staff(svc: Services, message_id: int, user_id: int,
                         broadcast_id: int | None, staff: list[int],
                         question_id: int | None = None) -> int:  # fmt: skip
    """Copy a participant's message (message_id in their private chat), a reply to a broadcast
    or their question (question_id), to the staff (bulk sends); returns how many got it."""
    bot = svc.app.bot
    person = await svc.repo.participants.get(user_id)
    reached = 0

    async def deliver(staff_id: int) -> None:
        nonlocal reached
        view = svc.viewer(await svc.repo.participants.get(staff_id))
        if question_id is not None:
            header_text = question_header(view, svc.schedule, person, user_id, question_id)
        else:
            assert broadcast_id is not None
            header_text = relay_header(view, svc.schedule, person, user_id, broadcast_id)
        header = await svc.sender.send(
            lambda rl: bot.send_message(staff_id, header_text, rate_limit_args=rl)
        )
        if header.message_id is None:
            return
        copy = await svc.sender.send(
            lambda rl: bot.copy_message(
                staff_id, user_id, message_id,
                reply_parameters=ReplyParameters(header.message_id or 0,
                                                 allow_sending_without_reply=True),
                rate_limit_args=rl,
            ),
        )  # fmt: skip
        now = svc.clock.now()
        for sent in (header.message_id, copy.message_id):
            if sent is not None:
                await _keep_link(svc, RelayLink(staff_id, sent, user_id, broadcast_id,
                                                message_id, question_id), now)
        reached += copy.status == "sent"

    await svc.sender.fan_out(staff, deliver)
    return reached


async def _keep_link(svc: Services, link: RelayLink, now: datetime) -> None:
    """Without the link the facilitator's answer finds nobody: retried while storage fails."""
    await persist(lambda: svc.repo.broadcasts.add_link(link, now),
                  keep_trying=svc.sender.alive, what=f"relay link {link}")


async def relay_in_background(svc: Services, message_id: int, user_id: int,
                              broadcast_id: int | None, staff: list[int], sorry: str,
                              question_id: int | None = None) -> None:
    """The participant was told their message is passed on; if it reached nobody after all,
    they are told so."""
    if await relay_to_staff(svc, message_id, user_id, broadcast_id, staff, question_id):
        return
    bot = svc.app.bot
    await svc.sender.send(lambda rl: bot.send_message(user_id, sorry, rate_limit_args=rl))


async def answer_participant(svc: Services, message: Message, link: RelayLink) -> str:
    """Copy a facilitator's answer to the participant; returns the outcome status.

    One message, sent while the facilitator waits for the confirmation: interactive."""
    target = link.participant_id
    reply = (
        ReplyParameters(link.reply_to, allow_sending_without_reply=True) if link.reply_to else None
    )
    bot = svc.app.bot
    outcome = await svc.sender.send(
        lambda rl: bot.copy_message(
            target, message.chat_id, message.message_id, reply_parameters=reply,
            rate_limit_args=rl,
        ),
        priority="interactive",
    )
    now = svc.clock.now()
    if outcome.message_id is not None:
        back = RelayLink(target, outcome.message_id, target, link.broadcast_id, None,
                         link.question_id)
        await svc.repo.broadcasts.add_link(back, now)
    if outcome.status == "blocked":
        await svc.mark_blocked(target)
    return outcome.status


async def on_private_message(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    svc = context.svc
    store = svc.repo.broadcasts
    reply = message.reply_to_message
    if reply is not None:
        link = await store.link(message.chat_id, reply.message_id)
        if link is not None and link.participant_id != user.id:
            w = await context.who()
            target = await svc.repo.participants.get(link.participant_id)
            if w.staff and covers(w.member, target.country if target else None):
                await _answer(update, context, link)
                raise ApplicationHandlerStop
        broadcast_id = link.broadcast_id if link else await store.delivery(user.id,
                                                                          reply.message_id)
        question_id = link.question_id if link else None
        if broadcast_id is not None or question_id is not None:
            w = await context.who(refresh=True)
            _ = w.view.tr.gettext
            sorry = _("Sorry, I could not pass your message on right now. Please try again "
                      "later.")  # fmt: skip
            staff = await staff_for_relay(svc, user.id)
            if staff:
                if question_id is not None:  # the asker wrote again: it waits again
                    await svc.repo.questions.reopen(question_id)
                # The copies go out in the background, as bulk sends, in this person's order;
                # if none reaches anyone, the person gets `sorry` after all.
                svc.spawn(f"relay:{user.id}", relay_in_background(
                    svc, message.message_id, user.id, broadcast_id, staff, sorry, question_id))
                text = _("✓ Thank you! Your message was passed on to the facilitators; their "
                         "answer will come here.")  # fmt: skip
            else:
                text = sorry
            await message.reply_text(text)
            raise ApplicationHandlerStop
    if message.forward_origin is not None:
        pending = await input.waiting(update, context)
        if pending is not None and pending.kind == KIND:
            await preview.on_input(update, context, pending)
            raise ApplicationHandlerStop


async def _answer(update: Update, context: BotContext, link: RelayLink) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    _ = w.view.tr.gettext
    status = await answer_participant(w.svc, message, link)
    person = await w.svc.repo.participants.get(link.participant_id)
    name = person.name if person else str(link.participant_id)
    now = w.svc.clock.now()
    if link.question_id is not None and status == "sent":
        await w.svc.repo.questions.answered(link.question_id, w.user_id, now)
    thread = (f"question {link.question_id}" if link.question_id is not None
              else f"broadcast {link.broadcast_id}")
    await w.svc.repo.participants.audit(w.user_id, "relay_answer", now,
                           target=str(link.participant_id), detail=thread)  # fmt: skip
    if status == "sent":
        text = _("✓ Your answer was sent to {name}.")
    elif status == "blocked":
        text = _("Not delivered: {name} has blocked the bot.")
    else:
        text = _("Your answer may not have reached {name}. Please try again later.")
    await message.reply_text(text.format(name=escape(name)))


def register(app: Application) -> None:
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, on_private_message),
        group=Group.RELAY,
    )
