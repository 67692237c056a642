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

from functools import partial
from html import escape

from telegram import Message, ReplyParameters, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    MessageHandler,
    filters,
)

from bot.broadcasts.texts import relay_header
from bot.context import BotContext
from bot.delivery.relay import relay_in_background, staff_for
from bot.membership import covers
from bot.questions.texts import question_header
from bot.services import Services
from bot.storage.broadcast_records import RelayLink
from handlers import input
from handlers.broadcasts import preview
from handlers.broadcasts.drafts import KIND
from handlers.common import Group


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
            staff = await staff_for(svc, user.id)
            if staff:
                if question_id is not None:  # the asker wrote again: it waits again
                    await svc.repo.questions.reopen(question_id)
                # The copies go out in the background, as bulk sends, in this person's order;
                # if none reaches anyone, the person gets `sorry` after all.
                person = await svc.repo.participants.get(user.id)
                header = (partial(question_header, schedule=svc.schedule, person=person,
                                  user_id=user.id, question_id=question_id)
                          if question_id is not None else
                          partial(relay_header, schedule=svc.schedule, person=person,
                                  user_id=user.id, broadcast_id=broadcast_id or 0))
                svc.spawn(f"relay:{user.id}", relay_in_background(
                    svc, message.message_id, user.id, staff, header, sorry,
                    broadcast_id=broadcast_id, question_id=question_id))
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
    thread = (f"question {link.question_id}" if link.question_id is not None
              else f"broadcast {link.broadcast_id}")
    async with w.svc.repo.audited(w.user_id, "relay_answer", now,
                                  target=str(link.participant_id), detail=thread):
        if link.question_id is not None and status == "sent":
            await w.svc.repo.questions.answered(link.question_id, w.user_id, now)
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
