"""Second round of hostile input (issue 29, items 5 and 6): whitespace-only text, an
overlong /verify, /verify@botname under closed registration, and webhook bodies that are not
an update."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, Message, Update

from bot.emulator import BotAPIEmulator
from bot.services import Services
from bot.updates import kind_of
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, onboard

WRONG = "Sorry, something went wrong"
BLANKS = [" ", "   ", "\t", "\u3000", " \n\t\u3000 "]


def test_kind_of_whitespace_only_text() -> None:
    for text in BLANKS:
        message = Message(1, datetime(2021, 3, 20, tzinfo=UTC), Chat(5, "private"), text=text)
        assert kind_of(Update(1, message=message)) == "message"


async def test_whitespace_only_text_gets_an_answer_not_an_apology(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    user = emulator.user(701, "en", "Ama")
    await onboard(user, "English", "Ghana")
    await as_core(bot, user)
    for text in BLANKS:
        (answer,) = await user.send(text)
        assert WRONG not in answer.text, repr(text)
    (asked,) = await user.send("/ask")  # a form waiting for its answer
    await user.send("\u3000", expect=1)
    (taken,) = await user.send("When is session 3?")
    assert WRONG not in taken.text and WRONG not in asked.text
    await bot.join()
    assert not [m for m in organizer.messages if "error" in m.text.lower()]


async def test_an_overlong_verify_gets_a_short_answer(bot: Services,
                                                      emulator: BotAPIEmulator) -> None:
    stranger = emulator.user(352, "en")
    typed = "X" * 4080
    (answer,) = await stranger.send(f"/verify {typed}")
    assert answer.text.startswith("❓ No certificate has the code ")
    assert len(answer.text) < 400 and typed not in answer.text


async def test_verify_with_the_bot_name_passes_the_closed_gate(
    run_bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    async with run_bot(registration="closed") as bot:
        stranger = emulator.user(351, "pt")
        (answer,) = await stranger.send("/verify@sske_test_bot 7K3M-9QXD-2HTB-W4PZ")
        assert answer.text.startswith("❓ Nenhum certificado tem o código 7K3M-9QXD-2HTB-W4PZ.")
        assert await bot.repo.participants.get(351) is None  # checking registers nobody
        (other,) = await stranger.send("/verify@another_bot 7K3M-9QXD-2HTB-W4PZ")
        assert "convite" in other.text  # another bot's command is not let through


NOT_UPDATES = [
    '"x"', "42", "3.5", "[1, 2]", "null", "true", '{"message": "x"}',
    '{"update_id": 5, "message": "x"}', '{"update_id": "5"}', '{"update_id": 6, "message": []}',
    '{"update_id": 7, "callback_query": {"id": 1}}',
    "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
]


async def test_webhook_answers_400_to_bodies_that_are_not_updates(
    settings: object, clock: object, schedule: object, i18n: object, emulator: BotAPIEmulator,
    caplog: object,
) -> None:
    import logging

    import aiohttp
    import pytest
    from pydantic import SecretStr

    from tests.test_webhook_e2e import SECRET, serving

    assert isinstance(caplog, pytest.LogCaptureFixture)
    async with serving(settings, clock, schedule, i18n,  # type: ignore[arg-type]
                       webhook_secret=SecretStr(SECRET)) as (svc, base):
        async with aiohttp.ClientSession() as http:
            for body in NOT_UPDATES:
                async with http.post(f"{base}/telegram/updates", data=body,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                                     ) as resp:
                    assert resp.status == 400, body[:40]
                    assert "Traceback" not in await resp.text()
        user = emulator.user(4003, "en")
        (reply,) = await user.send("/next")  # still handling real updates
        assert reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
