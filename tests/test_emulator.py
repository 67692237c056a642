"""The emulator driven by the real ptb Application over long polling."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import redact
from bot.emulator import BotAPIEmulator
from bot.emulator.entities import parse_html

pytestmark = pytest.mark.asyncio

Context = ContextTypes.DEFAULT_TYPE
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ]
    ]
)


async def start(update: Update, context: Context) -> None:
    assert update.effective_user is not None and update.message is not None
    lang = update.effective_user.language_code
    await update.message.reply_text(f"Hello {lang}", reply_markup=KEYBOARD)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"You chose {query.data}")


async def echo_html(update: Update, context: Context) -> None:
    """Escapes user text properly, so it must show literally."""
    from html import escape

    assert update.message is not None and update.message.text is not None
    await update.message.reply_html(f"<b>Echo:</b> {escape(update.message.text)}")


async def send_file(update: Update, context: Context) -> None:
    assert update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id, b"a,b\n1,2\n", filename="report.csv", caption="<i>Report</i>",
        parse_mode=ParseMode.HTML,
    )  # fmt: skip


async def many(update: Update, context: Context) -> None:
    assert update.message is not None
    for n in range(3):
        await update.message.reply_text(f"part {n}")
        await asyncio.sleep(0.01)  # trailing messages are still collected by the settle period


async def on_document(update: Update, context: Context) -> None:
    assert update.message is not None and update.message.document is not None
    data = await (await update.message.document.get_file()).download_as_bytearray()
    await update.message.reply_text(f"{update.message.document.file_name}: {len(data)} bytes")



@pytest.fixture(autouse=True)
def redacted() -> None:
    """These tests drive ptb by hand: redact the emulator's token as every start of the bot
    does (tests/conftest.py scans every log line of the run for it)."""
    redact.install(BotAPIEmulator().token)

@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        yield emulator


@pytest.fixture
async def app(emu: BotAPIEmulator) -> AsyncIterator[Application]:
    application = (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("file", send_file))
    application.add_handler(CommandHandler("many", many))
    application.add_handler(MessageHandler(filters.Document.ALL, on_document))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo_html))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_command_reply(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1001, "es")
    replies = await user.send("/start")
    assert [r.text for r in replies] == ["Hello es"]
    assert replies[0].button_texts() == ["Yes", "No"]
    assert replies[0].buttons() == [[("Yes", "yes"), ("No", "no")]]
    assert emu.user(1001) is user
    assert user.last.text == "Hello es"
    assert any(name == "getMe" for name, _ in emu.calls)
    sent = [p for name, p in emu.calls if name == "sendMessage"]
    assert sent[0]["chat_id"] == 1001 and sent[0]["reply_markup"]["inline_keyboard"]


async def test_press_edits_message(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1002)
    [menu] = await user.send("/start")
    [edited] = await user.press("Yes")
    assert edited.edited and edited.message_id == menu.message_id
    assert edited.text == "You chose yes" and edited.reply_markup is None
    assert [a["text"] for a in user.callback_answers] == ["got yes"]
    assert [m.text for m in user.messages] == ["You chose yes"]
    with pytest.raises(AssertionError, match="no button"):
        await user.press("Yes")


async def test_html_escaped_user_text_shows_literally(
    app: Application,
    emu: BotAPIEmulator,
) -> None:
    user = emu.user(1003)
    [reply] = await user.send("<b>not bold</b> & 1 < 2")
    assert reply.text == "Echo: <b>not bold</b> & 1 < 2"
    assert reply.html == "<b>Echo:</b> &lt;b&gt;not bold&lt;/b&gt; &amp; 1 &lt; 2"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 5}]


async def test_bad_html_and_limits_raise_bad_request(
    app: Application,
    emu: BotAPIEmulator,
) -> None:
    user = emu.user(1004)
    await user.send("/start")
    bot = app.bot
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(user.id, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="(?i)unsupported start tag"):
        await bot.send_message(user.id, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "x" * 4097)
    # The limit applies after entity parsing: 4096 visible chars plus tags is fine.
    await bot.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "  ")
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
        await bot.send_message(user.id, "hi", reply_markup=markup)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999999, "hi")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=12345)
    last = user.last
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            str(last.html), chat_id=user.id, message_id=last.message_id, parse_mode=ParseMode.HTML
        )
    # Same text but without the bold entity is a real modification.
    await bot.edit_message_text(last.text, chat_id=user.id, message_id=last.message_id)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(user.id, b"x", filename="a.txt", caption="c" * 1025)


async def test_my_commands(app: Application, emu: BotAPIEmulator) -> None:
    bot = app.bot
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Empezar")], language_code="es")
    await bot.set_my_commands(
        [BotCommand("menu", "Menu")], scope=BotCommandScopeAllPrivateChats(), language_code="fr"
    )
    assert [c["command"] for c in emu.commands()] == ["start", "help"]
    assert emu.commands("es") == [{"command": "start", "description": "Empezar"}]
    assert emu.commands("fr", scope="all_private_chats")[0]["command"] == "menu"
    assert emu.commands("de") == []
    fetched = await bot.get_my_commands(language_code="es")
    assert [c.description for c in fetched] == ["Empezar"]
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start-Now", "x")])
    with pytest.raises(BadRequest, match="(?i)bot_command_description_invalid"):
        await bot.set_my_commands([BotCommand("ok", "d" * 257)])
    assert await bot.delete_my_commands(language_code="es")
    assert emu.commands("es") == []
    assert await bot.set_my_description("About", language_code="es")
    assert (await bot.get_my_description(language_code="es")).description == "About"


async def test_send_document_multipart(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1005)
    [doc] = await user.send("/file")
    assert doc.document == ("report.csv", b"a,b\n1,2\n")
    assert doc.text == "Report" and doc.html == "<i>Report</i>"
    # The bot can fetch it back through getFile and the file URL.
    file_id = doc.raw["document"]["file_id"]
    telegram_file = await app.bot.get_file(file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"a,b\n1,2\n"


async def test_several_replies_and_user_upload(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1010)
    replies = await user.send("/many")
    assert [r.text for r in replies] == ["part 0", "part 1", "part 2"]
    [reply] = await user.send_document("notes.txt", b"hello", caption="mine")
    assert reply.text == "notes.txt: 5 bytes"


async def test_unknown_method_and_wrong_token(
    app: Application,
    emu: BotAPIEmulator,
) -> None:
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("noSuchMethod")
    assert ("noSuchMethod", {}) in emu.calls
    # Method names are case-insensitive, as on Telegram.
    me = await app.bot.do_api_request("GETME")
    assert me["username"] == "sske_test_bot"
    base = emu.base_url
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}123456:WRONG/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        # A JSON body works too, and bad parameters get a Telegram-style 400.
        async with http.post(f"{base}{emu.token}/sendMessage", json={"chat_id": 5}) as resp:
            assert resp.status == 400
            assert (await resp.json())["description"] == "Bad Request: chat not found"


async def test_blocked_user_forbidden(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1006)
    await user.send("/start")
    emu.block(user.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(user.id, "hello?")
    emu.unblock(user.id)
    await app.bot.send_message(user.id, "welcome back")
    assert user.last.text == "welcome back"


async def test_my_chat_member_update(app: Application, emu: BotAPIEmulator) -> None:
    seen: list[tuple[str, str]] = []

    async def on_member(update: Update, context: Context) -> None:
        member = update.my_chat_member
        assert member is not None
        seen.append((member.old_chat_member.status, member.new_chat_member.status))

    app.add_handler(ChatMemberHandler(on_member), group=-1)
    user = emu.user(1007)
    await user.block_bot()
    assert seen == [("member", "kicked")]
    with pytest.raises(Forbidden):
        await app.bot.send_message(user.id, "x")


async def test_expect_zero_and_timeout_message(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1008)
    assert await user.send("/unknown", expect=0) == []
    with pytest.raises(AssertionError, match="expected 1 bot message"):
        await user.send("/unknown", timeout=0.3)


async def test_forged_callback_data(app: Application, emu: BotAPIEmulator) -> None:
    user = emu.user(1009)
    await user.send("/start")
    [edited] = await user.press_data("forged")
    assert edited.text == "You chose forged"


async def test_stop_wakes_long_poll() -> None:
    emu = BotAPIEmulator()
    await emu.start()
    app = Application.builder().token(emu.token).base_url(emu.base_url).build()
    await app.initialize()
    polling = asyncio.create_task(app.bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)
    began = time.monotonic()
    await emu.stop()
    assert await polling == ()
    assert time.monotonic() - began < 2
    await app.shutdown()


async def test_parse_html_like_telegram() -> None:
    text, entities = parse_html(
        '<a href="https://x.org/?a=1&amp;b=2">link</a> &#128512; '
        '<pre><code class="language-py">x</code></pre>'
    )
    assert text == "link \U0001f600 x"
    assert entities[0] == {
        "type": "text_link",
        "offset": 0,
        "length": 4,
        "url": "https://x.org/?a=1&b=2",
    }
    assert entities[1] == {"type": "pre", "offset": 8, "length": 1, "language": "py"}
    assert parse_html("AT&T &nbsp;")[0] == "AT&T &nbsp;"  # unknown entities stay literal
    for bad in ("<b>x</i>", "<foo>x</foo>", "a <b", "x</b>", '<span class="x">y</span>'):
        with pytest.raises(ValueError):
            parse_html(bad)
