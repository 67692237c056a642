"""Feedback end to end: when a session ends, those who checked in get a 1-5 question, then an
optional comment; a second answer replaces the first; /feedback N shows the figures within the
facilitator's countries; the export reads back; nothing is asked twice across restarts."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.exports import EXPORTERS
from bot.jobs import fire_due
from bot.schedule import Schedule
from bot.services import Services
from bot.storage.reminders import DeliveryKey
from tests.helpers import (
    ORGANIZER_ID,
    ROOT,
    BotRunner,
    as_core,
    database_env,
    onboard,
    schedule_with_min_answers,
)


@pytest.fixture
def schedule() -> Schedule:
    """These tests read the figures of one or two answers: the anonymity minimum is 1 here
    (tests/test_fair_private.py checks the minimum of 3)."""
    return schedule_with_min_answers(1)


S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # core only, 3 hours
END3 = S3 + timedelta(hours=3)
S10 = datetime(2021, 10, 6, 14, 0, tzinfo=UTC)  # the closing session, 90 minutes
FAC, GH_FAC = 401, 402
KOFI, ANA, INES, JOAO = 411, 412, 413, 414


async def people(bot: Services, emulator: BotAPIEmulator) -> dict[int, FakeUser]:
    users = {
        KOFI: emulator.user(KOFI, "en", "Kofi"),
        ANA: emulator.user(ANA, "es", "Ana"),
        INES: emulator.user(INES, "fr", "Inès"),
        JOAO: emulator.user(JOAO, "pt", "João"),
    }
    await onboard(users[KOFI], "English", "Ghana")
    await onboard(users[ANA], "Español", "Perú")
    await onboard(users[INES], "Français", "Côte d'Ivoire")
    await onboard(users[JOAO], "Português", "Brasil", "São Paulo")
    await as_core(bot, *users.values())
    return users


async def check_in(bot: Services, clock: FakeClock, start: datetime, *user_ids: int) -> None:
    clock.set(start + timedelta(minutes=5))
    for user_id in user_ids:
        await bot.repo.attendance.check_in(user_id, _number(bot, start),
                                           "present", "button", clock.now())


def _number(bot: Services, start: datetime) -> int:
    return next(s.number for s in bot.schedule.sessions if s.start == start)


def questions(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.messages if m.text.startswith("⭐ ") and m.buttons()
            and m.buttons()[0][0][1].startswith("fb:r:")]


async def test_a_rating_and_a_comment_and_a_second_answer_replacing_the_first(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    users = await people(bot, emulator)
    await check_in(bot, clock, S3, KOFI, ANA, INES)
    clock.set(END3)
    await fire_due(bot.app, clock)
    assert questions(users[JOAO]) == []  # did not check in
    (asked,) = questions(users[ANA])
    assert asked.text.splitlines()[1] == "¿Cómo le fue en esta sesión?"
    assert asked.buttons() == [[(str(r), f"fb:r:3:{r}") for r in range(1, 6)]]
    (rated,) = await users[ANA].press("2", message=asked)
    assert rated.edited and rated.text.startswith("¡Gracias! Sesión 3: ★★☆☆☆ (2 de 5).")
    (saved,) = await users[ANA].send("Demasiado largo")
    assert saved.text.startswith("Gracias, su comentario quedó guardado.")
    first = await bot.repo.feedback.get(ANA, 3)
    assert first is not None and (first.rating, first.comment, first.country, first.language) \
        == (2, "Demasiado largo", "PE", "es")

    clock.advance(timedelta(days=2))  # later, from the session card
    (card,) = await users[ANA].send("/session 3")
    assert "⭐ Su calificación: ★★☆☆☆ (2 de 5)" in card.text
    await emulator.add_bot_to_group(-100500, "Núcleo Perú", ANA)
    (shared,) = await users[ANA].send_in_group(-100500, "/session 3")
    assert "Su calificación" not in shared.text  # nothing about her in a group chat
    assert "fb:a:3" not in str(shared.buttons())
    (again,) = await users[ANA].press("Cambiar mi calificación", message=card)
    (rerated,) = await users[ANA].press("4", message=again)
    assert "Su comentario anterior se mantiene" in rerated.text
    await users[ANA].send("Muy útil al final")
    rows = await bot.repo.feedback.ratings(3)
    assert [(r.user_id, r.rating, r.comment) for r in rows] == [(ANA, 4, "Muy útil al final")]

    (kofi_q,) = questions(users[KOFI])
    await users[KOFI].press("5", message=kofi_q)
    (skipped,) = await users[KOFI].press("Skip")
    assert skipped.text == "Thank you for your feedback on session 3. ★★★★★"
    (ines_q,) = questions(users[INES])
    await users[INES].press("3", message=ines_q)
    (long,) = await users[INES].send("x" * 1001)
    assert long.text.startswith("Merci de ne pas dépasser 1\u202f000\u00a0caractères "
                                "(celui-ci en compte 1\u202f001)")
    await users[INES].send("Trop court <b>vraiment</b>")
    figures = {r.user_id: (r.rating, r.comment) for r in await bot.repo.feedback.ratings(3)}
    assert figures == {ANA: (4, "Muy útil al final"), KOFI: (5, None),
                       INES: (3, "Trop court <b>vraiment</b>")}

    # Not checked in, or a forged session: refused, nothing stored.
    await users[JOAO].press_data("fb:r:3:5", expect=0)
    assert users[JOAO].callback_answers[-1]["text"] == (
        "Somente quem registrou presença nesta sessão pode avaliá-la.")
    await users[KOFI].press_data("fb:r:4:5", expect=0)  # session 4 has not ended
    assert users[KOFI].callback_answers[-1]["text"] == (
        "You can rate the session once it has ended.")
    await users[KOFI].press_data("fb:r:3:9", expect=0)
    assert users[KOFI].callback_answers[-1]["text"] == (
        "This button no longer works. Please start again.")
    assert len(await bot.repo.feedback.ratings()) == 3

    # /forget: the answer stays and still counts, linked to nobody.
    await users[INES].send("/forget")
    await users[INES].press("🗑")
    kept = {(r.rating, r.comment) for r in await bot.repo.feedback.ratings(3)
            if r.user_id not in (ANA, KOFI)}
    assert kept == {(3, "Trop court <b>vraiment</b>")}
    assert await bot.repo.feedback.get(INES, 3) is None


async def _answers(bot: Services, clock: FakeClock) -> None:
    """Ghana 5 and 4, Peru 2, Côte d'Ivoire 3 (with comments), stored as the buttons do."""
    clock.set(END3 + timedelta(minutes=1))
    for user_id, rating, country, lang, comment in (
        (501, 5, "GH", "en", "Great examples"), (502, 4, "GH", "en", None),
        (503, 2, "PE", "es", "Demasiado largo"), (504, 3, "CI", "fr", "Trop <court>"),
    ):
        clock.advance(timedelta(minutes=1))
        await bot.repo.feedback.rate(user_id, 3, rating, country=country, group="core",
                                     language=lang, now=clock.now())
        if comment:
            await bot.repo.feedback.comment(user_id, 3, comment, clock.now())


async def staff(bot: Services, emulator: BotAPIEmulator) -> dict[str, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    fac, gh = emulator.user(FAC, "en", "Ama"), emulator.user(GH_FAC, "en", "Gifty")
    for user in (fac, gh):
        await onboard(user, "English", "Ghana")
        await bot.repo.participants.update(user.id, bot.clock.now(), grp=None)
    await organizer.send(f"/grant facilitator {FAC}")
    await organizer.send(f"/grant facilitator {GH_FAC} GH")
    participant = emulator.user(499, "en")
    await onboard(participant, "English", "Ghana")
    await bot.join()
    return {"organizer": organizer, "facilitator": fac, "facilitator of GH": gh,
            "participant": participant}


async def test_feedback_figures_for_staff_within_their_countries(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    users = await staff(bot, emulator)
    await _answers(bot, clock)
    replies = await users["facilitator"].send("/feedback 3")
    text = "\n\n".join(r.text for r in replies)
    assert text.splitlines()[:7] == [
        "⭐ Feedback · Session 3: Cocoa agroforestry design, innovative finance and PPPs",
        "4 answers · mean 3.5 of 5",
        "5 ★ ▰▰▰▱▱▱▱▱▱▱ 1",
        "4 ★ ▰▰▰▱▱▱▱▱▱▱ 1",
        "3 ★ ▰▰▰▱▱▱▱▱▱▱ 1",
        "2 ★ ▰▰▰▱▱▱▱▱▱▱ 1",
        "1 ★ ▱▱▱▱▱▱▱▱▱▱ 0",
    ]
    assert "By country\n🇬🇭 Ghana: 4.5 (2 answers)\n🇨🇮 Côte d'Ivoire: 3.0 (1 answer)\n" \
        "🇵🇪 Peru: 2.0 (1 answer)" in text
    comments = text.split("Comments, newest first\n")[1].splitlines()
    assert comments[0].startswith("[fr] 🇨🇮 ★★★☆☆ ") and comments[1] == "“Trop <court>”"
    assert comments[2].startswith("[es] 🇵🇪 ★★☆☆☆") and comments[4].startswith("[en] 🇬🇭")


@pytest.mark.parametrize(
    ("actor", "command", "expected"),
    [
        ("participant", "/feedback 3", "Sorry, only facilitators and organizers can do that."),
        ("facilitator of GH", "/feedback 3", "2 answers · mean 4.5 of 5"),
        ("facilitator of GH", "/feedback 3 GH", "2 answers · mean 4.5 of 5"),
        ("facilitator of GH", "/feedback 3 CI",
         "Sorry, you can read session feedback only from Ghana."),
        ("organizer", "/feedback 3 CI", "1 answer · mean 3.0 of 5"),
        ("organizer", "/feedback 3 Perú", "1 answer · mean 2.0 of 5"),
        ("organizer", "/feedback 4", "No answers yet."),
        ("organizer", "/feedback x", "Please give a session number from 0 to 10"),
    ],
)
async def test_who_sees_which_feedback(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, actor: str, command: str,
    expected: str,
) -> None:
    users = await staff(bot, emulator)
    await _answers(bot, clock)
    replies = await users[actor].send(command)
    text = "\n".join(r.text for r in replies)
    assert expected in text
    if actor == "facilitator of GH":
        assert "Peru" not in text and "Trop" not in text and "Demasiado" not in text


async def test_export_reads_back(bot: Services, emulator: BotAPIEmulator, clock: FakeClock,
                                 tmp_path: Path) -> None:
    users = await staff(bot, emulator)
    await _answers(bot, clock)
    await EXPORTERS["feedback"](bot.repo, bot.schedule, "csv", tmp_path / "f.csv")
    with (tmp_path / "f.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["session"], r["country"], r["language"], r["rating"], r["comment"])
            for r in rows] == [
        ("3", "Ghana", "en", "5", "Great examples"), ("3", "Ghana", "en", "4", ""),
        ("3", "Peru", "es", "2", "Demasiado largo"), ("3", "Côte d'Ivoire", "fr", "3",
                                                      "Trop <court>")]
    assert "user_id" not in rows[0] and rows[0]["answered at (UTC)"] == "2021-03-24 17:02:00"
    await EXPORTERS["feedback"](bot.repo, bot.schedule, "xlsx", tmp_path / "f.xlsx")
    book = load_workbook(tmp_path / "f.xlsx")
    assert book.sheetnames == ["Answers", "Summary"]
    summary = [list(r) for r in book["Summary"].iter_rows(values_only=True)]
    assert summary[0] == ["session", "title", "country", "answers", "mean", "rated 1",
                          "rated 2", "rated 3", "rated 4", "rated 5"]
    assert summary[1][2:] == ["ALL", 4, 3.5, 0, 1, 1, 1, 1]
    assert summary[2][2:5] == ["Ghana", 2, 4.5]

    shell = subprocess.run(  # what organizers run on the machine with the database
        [sys.executable, "-m", "bot", "export", "feedback", "--format", "xlsx", "--output",
         str(tmp_path / "shell.xlsx")],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:a",
             **database_env(bot.settings.database)},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert shell.returncode == 0, shell.stderr
    answers = list(load_workbook(tmp_path / "shell.xlsx")["Answers"].iter_rows(values_only=True))
    assert len(answers) == 5 and answers[1][6] == 5

    documents = await users["organizer"].send("/export feedback", expect=2)
    assert [d.document[0] for d in documents if d.document] == ["feedback.csv", "feedback.xlsx"]
    sent = documents[0].document
    assert sent is not None
    assert list(csv.reader(io.StringIO(sent[1].decode("utf-8-sig"))))[1][6] == "5"
    (refused,) = await users["facilitator"].send("/export feedback")
    assert refused.text == "Sorry, only organizers can do that."


async def test_the_closing_question_is_about_the_whole_program(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    users = await people(bot, emulator)
    await check_in(bot, clock, S10, KOFI, JOAO)
    clock.set(S10 + timedelta(minutes=90))
    await fire_due(bot.app, clock)
    (asked,) = questions(users[KOFI])
    assert asked.text.splitlines()[1] == bot.schedule.after_session.closing_question["en"]
    (pergunta,) = questions(users[JOAO])
    assert pergunta.text.splitlines()[1] == (
        "Olhando para todo o programa SSKE: quão útil ele foi para você e para o seu trabalho?")
    await users[KOFI].press("5", message=asked)
    staff_users = await staff(bot, emulator)
    (summary,) = await staff_users["organizer"].send("/feedback")  # the last session ended
    assert summary.text.splitlines()[1] == bot.schedule.after_session.closing_question["en"]
    assert "1 answer · mean 5.0 of 5" in summary.text


async def test_down_when_it_ended_asked_once_after_restarts(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as bot:
        users = await people(bot, emulator)
        await check_in(bot, clock, S3, KOFI, ANA)
    clock.set(END3 + timedelta(hours=5))  # the bot was down when session 3 ended
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
        statuses = await bot.repo.reminders.statuses(DeliveryKey("feedback", 3, S3, 0))
        assert statuses == {KOFI: "sent", ANA: "sent"}
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
    assert len(questions(users[KOFI])) == len(questions(users[ANA])) == 1
    clock.set(S3 + timedelta(days=30))  # too late: asked no more, but answered from /session
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
        (card,) = await users[JOAO].send("/session 3")
        assert "fb:a:3" not in str(card.buttons())  # João did not check in
        (card,) = await users[KOFI].send("/session 3")
        (asked,) = await users[KOFI].press("Rate this session", message=card)
        await users[KOFI].press("1", message=asked)
        rating = await bot.repo.feedback.get(KOFI, 3)
        assert rating is not None and rating.rating == 1
