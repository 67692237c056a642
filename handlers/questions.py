"""/ask (or "Contact the organizers" under /help): the next message, text or any media, goes to
the staff who look after the person's country, through the broadcasts' reply relay
(handlers/broadcasts/relay.py); a staff member's reply goes back to the person. /questions:
staff see the questions still waiting for an answer, in their countries.

The question waits as pending input "ask"; each question is a `questions` row, and the relayed
copies are relay_links rows with its id, so threads survive restarts.
"""

from __future__ import annotations

from functools import partial

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.delivery.relay import relay_in_background, relay_to_staff, staff_for
from bot.membership import covers
from bot.models import Participant
from bot.questions import texts
from bot.questions.keyboards import AskOrganizers, QuestionAction, questions_keyboard
from bot.storage.pending import Pending
from bot.storage.questions import Question
from bot.viewer import scope_refusal
from handlers import input
from handlers.common import alert, personal, reply, restricted, show

ASK = "ask"
MEDIA = ("photo", "video", "animation", "voice", "audio", "video_note", "sticker", "document")


@personal  # the question is awaited in the private chat
async def ask_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    await input.ask(update, context, ASK)
    await reply(update, texts.ask_prompt(w.view))


def _media(message: Message) -> str | None:
    return next((kind for kind in MEDIA if getattr(message, kind, None)), None)


async def on_question(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    svc = w.svc
    await input.done(update, context)
    staff = await staff_for(svc, w.user_id)
    sorry = texts.nobody(w.view, svc.schedule)
    if not staff:
        await message.reply_text(sorry)
        return
    summary = texts.summary(message.text or message.caption, _media(message))
    question = await svc.repo.questions.add(w.user_id, message.message_id, summary,
                                            svc.clock.now())
    # The copies go out in the background, as bulk sends; if none reaches anyone, the
    # person gets `sorry` after all.
    header = partial(texts.question_header, schedule=svc.schedule, person=w.person,
                     user_id=w.user_id, question_id=question)
    svc.spawn(f"relay:{w.user_id}", relay_in_background(
        svc, message.message_id, w.user_id, staff, header, sorry, question_id=question))
    await message.reply_text(texts.received(w.view))


async def _waiting(w: Who) -> tuple[list[Question], dict[int, Participant]]:
    """Unanswered questions of people this staff member looks after."""
    questions = await w.svc.repo.questions.unanswered()
    people = await w.svc.repo.participants.many(sorted({q.user_id for q in questions}))
    mine = [q for q in questions
            if covers(w.member, people[q.user_id].country if q.user_id in people else None)]
    return mine, people


async def _list(update: Update, w: Who, *, new: bool = False) -> None:
    questions, people = await _waiting(w)
    text = texts.unanswered_text(w.view, w.svc.schedule, questions, people, w.svc.clock.now())
    await show(update, text, questions_keyboard(w.view, questions), new=new)


@restricted("facilitator")
@personal
async def questions_command(update: Update, context: BotContext) -> None:
    await _list(update, await context.who(), new=True)


@restricted("facilitator")
async def on_question_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(QuestionAction)
    w = await context.who()
    svc = w.svc
    question = await svc.repo.questions.get(pressed.question)
    person = await svc.repo.participants.get(question.user_id) if question else None
    if question is None or question.answered or person is None:
        await alert(update, texts.not_waiting(w.view))
        return
    if not covers(w.member, person.country):
        await alert(update, scope_refusal(w.view, svc.schedule, w.member.scope, "questions"))
        return
    if pressed.action == "show":
        # A fresh copy in this chat, linked to the question like the first ones.
        await query.answer(texts.copied_again(w.view, question.id))
        header = partial(texts.question_header, schedule=svc.schedule, person=person,
                         user_id=question.user_id, question_id=question.id)
        svc.spawn(f"relay:{question.user_id}", relay_to_staff(
            svc, question.message_id, question.user_id, [w.user_id], header,
            question_id=question.id))
        return
    now = svc.clock.now()
    async with svc.repo.audited(w.user_id, "question_answered", now,
                                target=str(question.user_id), detail=f"question {question.id}"):
        await svc.repo.questions.answered(question.id, w.user_id, now)
    await query.answer(texts.marked_answered(w.view, question.id))
    await _list(update, w)


def register(app: Application) -> None:
    input.expect(ASK, on_question)
    app.add_handler(CommandHandler("ask", ask_command))
    app.add_handler(CallbackQueryHandler(ask_command, pattern=AskOrganizers.pattern()))
    app.add_handler(CommandHandler("questions", questions_command))
    app.add_handler(CallbackQueryHandler(on_question_button, pattern=QuestionAction.pattern()))
