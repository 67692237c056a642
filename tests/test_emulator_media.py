"""Emulator additions: media, copyMessage, replies, flood limits and injected faults."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, MessageId, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot import redact
from bot.emulator import BotAPIEmulator

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

OWNER = 50


async def copy_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Copies what it gets to OWNER, and says what it replied to."""
    message = update.message
    assert message is not None
    copied = await message.copy(OWNER)
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    await message.reply_text(f"copied as {copied.message_id}; reply to {replied}")



@pytest.fixture(autouse=True)
def redacted() -> None:
    """These tests drive ptb by hand: redact the emulator's token as every start of the bot
    does (tests/conftest.py scans every log line of the run for it)."""
    redact.install(BotAPIEmulator().token)

@pytest.fixture
async def app(emulator: BotAPIEmulator) -> AsyncIterator[Application]:
    application = Application.builder().token(emulator.token).base_url(emulator.base_url).build()
    application.add_handler(MessageHandler(filters.ALL, copy_back))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    emulator.private_chat(emulator.user(OWNER).json)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_send_photo_video_voice_with_caption(app: Application,
                                                   emulator: BotAPIEmulator) -> None:
    user = emulator.user(51)
    await user.send("hello")
    bot = app.bot
    photo = await bot.send_photo(user.id, b"\x89PNG", caption="<b>Slides</b>",
                                 parse_mode=ParseMode.HTML)  # fmt: skip
    assert photo.photo and photo.caption == "Slides"
    again = await bot.send_photo(user.id, photo.photo[-1].file_id)
    assert again.photo[-1].file_id == photo.photo[-1].file_id
    video = await bot.send_video(user.id, b"mp4", caption="Recording")
    voice = await bot.send_voice(user.id, b"ogg")
    assert video.video is not None and voice.voice is not None
    kinds = [(m.media, m.text) for m in user.messages[-4:]]
    assert kinds == [("photo", "Slides"), ("photo", ""), ("video", "Recording"), ("voice", "")]
    assert user.messages[-4].entities == [{"type": "bold", "offset": 0, "length": 6}]
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_video(user.id, "no-such-file-id")


async def test_user_media_is_copied_exactly(app: Application, emulator: BotAPIEmulator) -> None:
    user = emulator.user(52)
    owner = emulator.user(OWNER)
    (note,) = await user.send_photo(b"JPEG", caption="<i>field</i> visit", html=True)
    assert note.text.startswith("copied as")
    copy = owner.messages[-1]
    assert copy.media == "photo" and copy.text == "field visit"
    assert copy.entities == [{"type": "italic", "offset": 0, "length": 5}]
    assert "forward_origin" not in copy.raw and copy.raw["from"]["is_bot"]
    (done,) = await user.send("<b>Bold</b> and <a href='https://x.org'>link</a>", html=True)
    text_copy = owner.messages[-1]
    assert text_copy.text == "Bold and link" and text_copy.media is None
    assert [e["type"] for e in text_copy.entities] == ["bold", "text_link"]
    for send in (user.send_video, user.send_voice):
        await send(b"data")
    assert [m.media for m in owner.messages[-2:]] == ["video", "voice"]
    (doc,) = await user.send_document("slides.pdf", b"%PDF", caption="Deck")
    assert owner.messages[-1].document == ("slides.pdf", b"%PDF")


async def test_copy_message_api(app: Application, emulator: BotAPIEmulator) -> None:
    user = emulator.user(53)
    await user.send_photo(b"JPEG", caption="old")
    source_id = min(emulator.chats[user.id].user_messages)
    bot = app.bot
    result = await bot.copy_message(OWNER, user.id, source_id, caption="<b>new</b>",
                                    parse_mode=ParseMode.HTML)  # fmt: skip
    assert isinstance(result, MessageId)
    copy = emulator.messages_to(OWNER)[-1]
    assert copy.message_id == result.message_id and copy.text == "new"
    with pytest.raises(BadRequest, match="(?i)message to copy not found"):
        await bot.copy_message(OWNER, user.id, 9999)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.copy_message(777777, user.id, source_id)
    # A copy can reply to a message in the target chat.
    await bot.copy_message(user.id, OWNER, copy.message_id,
                           reply_parameters=ReplyParameters(source_id))  # fmt: skip
    assert user.last.raw["reply_to_message"]["message_id"] == source_id


async def test_user_reply_reaches_the_bot(app: Application, emulator: BotAPIEmulator) -> None:
    user = emulator.user(54)
    emulator.private_chat(user.json)
    await app.bot.send_message(user.id, "Any questions?")
    question = user.last
    (answer,) = await user.send("Yes, one", reply_to=question)
    assert answer.text.endswith(f"reply to {question.message_id}")


async def test_flood_answer_is_telegrams(emulator: BotAPIEmulator) -> None:
    emulator.set_rate_limits(per_second=1, burst=1)
    emulator.private_chat(emulator.user(55).json)
    url = f"{emulator.base_url}{emulator.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"chat_id": 55, "text": "a"}) as ok:
            assert ok.status == 200
        async with http.post(url, json={"chat_id": 55, "text": "b"}) as flood:
            assert flood.status == 429
            assert await flood.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(55, "c")
    assert emulator.flood_errors == 2 and len(emulator.messages_to(55)) == 1


async def test_faults(emulator: BotAPIEmulator) -> None:
    emulator.private_chat(emulator.user(56).json)
    emulator.fail_next("sendMessage", 1, code=500, description="Internal Server Error")
    emulator.hang_next("sendMessage", 1, seconds=0.5, deliver=False)
    async with Bot(emulator.token, base_url=emulator.base_url) as bot:
        with pytest.raises(Exception, match="Internal Server Error"):
            await bot.send_message(56, "a")
        with pytest.raises(TimedOut):
            await bot.send_message(56, "b", read_timeout=0.2)
        await bot.send_message(56, "c")
    assert [m.text for m in emulator.messages_to(56)] == ["c"]
