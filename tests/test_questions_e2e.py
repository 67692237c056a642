"""/ask: a question (any message) reaches the staff who look after the person's country, with
who wrote it; a staff member's reply goes back; /questions lists what is still unanswered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from bot.storage import Repository
from bot.storage.broadcast_records import RelayLink
from bot.storage.db import Database
from bot.storage.migrations import MIGRATIONS
from tests.helpers import ORGANIZER_ID, fresh_database, onboard

ROSA, KOFI, GH_FAC, PE_FAC = 7_772_001, 7_772_002, 7_772_003, 7_772_004


async def people(bot: Services, emulator: BotAPIEmulator) -> dict[str, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await onboard(organizer, "English", "Ghana")
    users = {"organizer": organizer,
             "rosa": emulator.user(ROSA, "es", "Rosa", username="rosa_pe"),
             "kofi": emulator.user(KOFI, "en", "Kofi"),
             "gh": emulator.user(GH_FAC, "en", "Gifty"),
             "pe": emulator.user(PE_FAC, "fr", "Inès")}
    await onboard(users["rosa"], "Español", "Perú")
    await onboard(users["kofi"], "English", "Ghana")
    await onboard(users["gh"], "English", "Ghana")
    await onboard(users["pe"], "Français", "Pérou")
    await organizer.send(f"/grant facilitator {GH_FAC} GH")
    await organizer.send(f"/grant facilitator {PE_FAC} PE")
    await bot.join()
    return users


async def test_ask_round_trip_with_a_reply(bot: Services, emulator: BotAPIEmulator) -> None:
    users = await people(bot, emulator)
    rosa, organizer, gh, pe = users["rosa"], users["organizer"], users["gh"], users["pe"]
    seen_by_gh = len(gh.messages)
    await rosa.send("/ask")
    (thanks,) = await rosa.send_photo(caption="¿Dónde está la grabación de la sesión 3?")
    assert thanks.text.startswith("✓")
    await bot.join()
    await emulator.settle()
    header, copy = organizer.messages[-2:]
    assert header.text.startswith("❓ Question #1 from Rosa (@rosa_pe, id 7772001, Peru, "
                                  "wider group, Spanish):")
    assert copy.media == "photo" and copy.text == "¿Dónde está la grabación de la sesión 3?"
    assert pe.messages[-1].media == "photo"  # Peru's facilitator, in French
    assert len(gh.messages) == seen_by_gh  # Ghana's facilitator does not look after Peru
    question = await bot.repo.questions.get(1)
    assert question is not None and not question.answered
    assert question.summary == "📷 ¿Dónde está la grabación de la sesión 3?"

    (listed,) = await organizer.send("/questions")
    assert "#1 · Rosa (🇵🇪 Peru)" in listed.text
    (sent,) = await pe.send("Está en el canal del programa.", reply_to=pe.messages[-1])
    assert sent.text.startswith("✓")
    answer = rosa.last
    assert answer.text == "Está en el canal del programa."
    assert answer.raw["reply_to_message"]["message_id"] == max(
        m for m in emulator.chats[ROSA].user_messages if m != answer.message_id)
    question = await bot.repo.questions.get(1)
    assert question is not None and question.answered and question.answered_by == PE_FAC
    (none_left,) = await organizer.send("/questions")
    assert none_left.text == "No questions are waiting for an answer."

    # Rosa writes again in the thread: it reaches the staff and waits for an answer again.
    await rosa.send("¡Gracias! ¿Y la de la sesión 4?", reply_to=answer)
    await bot.join()
    await emulator.settle()
    assert organizer.last.text == "¡Gracias! ¿Y la de la sesión 4?"
    question = await bot.repo.questions.get(1)
    assert question is not None and not question.answered


async def test_help_button_and_nobody_to_reach(bot: Services, emulator: BotAPIEmulator) -> None:
    kofi = emulator.user(KOFI, "en", "Kofi")
    await onboard(kofi, "English", "Ghana")
    (helped,) = await kofi.send("/help")
    assert helped.button_texts() == ["✉️ Contact the organizers"]
    (prompt,) = await kofi.press("✉️ Contact the organizers")
    assert prompt.text.startswith("✉️ Write your question or message for the organizers")
    (sorry,) = await kofi.send("Hello?")  # no organizer or facilitator has started the bot
    assert sorry.text.startswith("Sorry, I could not pass your question on right now.")
    assert "Write to Catalina von Hildebrand (Alisos)" in sorry.text  # schedule.json contact
    assert await bot.repo.questions.unanswered() == []
    (after,) = await kofi.send("Hello again")  # no longer waiting for a question
    assert after.text.startswith("Sorry, I did not understand that.")


@pytest.mark.parametrize("role", ["kofi", "gh", "organizer"])
async def test_questions_list_follows_the_country_scope(
    bot: Services, emulator: BotAPIEmulator, role: str
) -> None:
    users = await people(bot, emulator)
    for asker, text in (("rosa", "Pregunta de Perú"), ("kofi", "Question from Ghana")):
        await users[asker].send("/ask")
        await users[asker].send(text)
    await bot.join()
    user = users[role]
    (listed,) = await user.send("/questions")
    if role == "kofi":
        assert listed.text == "Sorry, only facilitators and organizers can do that."
        return
    assert "Question from Ghana" in listed.text
    assert ("Pregunta de Perú" in listed.text) == (role == "organizer")
    kofi_question = 2
    if role == "gh":  # a forged button for Peru's question is refused
        await user.press_data("q:done:1", expect=0)
        assert user.callback_answers[-1]["text"] == (
            "Sorry, you can answer questions only from Ghana.")
    before = len(user.messages)
    await user.press(f"💬 #{kofi_question}", expect=0)
    await bot.join()
    await emulator.settle()
    assert len(user.messages) == before + 2  # the header and the question, to reply to
    assert user.last.text == "Question from Ghana"
    (updated,) = await user.press(f"✓ #{kofi_question}", message=listed)
    assert "Question from Ghana" not in updated.text
    question = await bot.repo.questions.get(kofi_question)
    assert question is not None and question.answered


async def test_migration_keeps_the_relay_links_of_broadcasts(tmp_path: Path) -> None:
    """The networking migration rebuilds relay_links (broadcast_id nullable, question_id
    added) and keeps the rows of older broadcasts."""
    db = await Database.open(await fresh_database(tmp_path, "old.sqlite3"))
    repo = Repository(db)
    try:
        await db.write("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        ours = next(i for i, m in enumerate(MIGRATIONS) if any("CREATE TABLE questions" in x
                                                               for x in m))
        for version, statements in enumerate(MIGRATIONS[:ours], start=1):
            async with db.transaction():
                await db.script(statements)
                await db.write("INSERT INTO schema_version (version) VALUES (?)", (version,))
        await db.write("INSERT INTO broadcasts (id, author_id, status, audience, created_at) "
                       "VALUES (1, 900, 'done', '{}', '2021-03-01T00:00:00+00:00')")
        await db.write("INSERT INTO relay_links (chat_id, message_id, participant_id, "
                       "broadcast_id, reply_to, created_at) VALUES "
                       "(900, 5, 201, 1, 3, '2021-03-01T00:00:00+00:00')")
        await repo.migrate()
        assert await repo.schema_version() == len(MIGRATIONS)
        assert await repo.broadcasts.link(900, 5) == RelayLink(900, 5, 201, 1, 3, None)
        question = await repo.questions.add(201, 7, "hello", datetime(2021, 3, 2, tzinfo=UTC))
        await repo.broadcasts.add_link(RelayLink(900, 6, 201, None, 7, question),
                                       datetime(2021, 3, 2, tzinfo=UTC))
        assert (await repo.broadcasts.link(900, 6)) == RelayLink(900, 6, 201, None, 7, question)
    finally:
        await db.close()
