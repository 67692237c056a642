"""Property: whatever text follows any command, and whatever data a button press carries, the
bot answers (a message, or a pop-up for a button) and logs no exception.

Commands and callback patterns are read from the Application's handlers (as
tests/test_privileged_walk.py does), so a command or button added later is covered too.
Hypothesis draws the text (any Unicode: other scripts' digits, invisible and combining
characters, emoji, very long words) and the data (valid-looking data of each pattern with
hostile parts, and arbitrary strings). The example count is modest for CI time; a fixed sweep
of every command with the inputs that crashed before runs first.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from tests.helpers import ORGANIZER_ID, as_core, onboard
from tests.test_privileged_walk import CannotGenerate, callback_examples

# Inputs that crashed handlers before (issue 13), tried with every command.
NASTY = ["core PE ²", "٣ ١٢", "48\u200b21", "x" * 300, "-1 0 99999999999999999999",
         "<b>&amp;</b> \x00\u202e\ufeff"]
PARTICIPANT, ORGANIZER_LANG = 7301, "en"

# Any character Telegram can carry in a message (no surrogates; NUL included).
CHARS = st.characters(exclude_categories=("Cs",))
TEXT = st.text(CHARS, max_size=60)
DIGITS = st.sampled_from(["²", "³", "３", "٣", "߁", "𝟕", "Ⅻ", "\u200b", "-", "0" * 20, ""])


class ErrorLog(logging.Handler):
    """Every ERROR record while handling updates: there must be none."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def problems(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else
                f"{r.name}: {r.getMessage()}" for r in self.records]


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def commands(app: Application) -> list[str]:
    return sorted({c for handlers in app.handlers.values() for h in handlers
                   if isinstance(h, CommandHandler) for c in h.commands})


def button_examples(app: Application) -> list[str]:
    out: list[str] = []
    for handlers in app.handlers.values():
        for h in handlers:
            if isinstance(h, CallbackQueryHandler) and isinstance(h.pattern, re.Pattern | str):
                try:
                    examples, _wrong = callback_examples(re.compile(h.pattern))
                except CannotGenerate:
                    continue
                out += examples[:4]
    return sorted(set(out))


async def people(bot: Services, emulator: BotAPIEmulator) -> tuple[FakeUser, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, ORGANIZER_LANG)
    await organizer.send("/start")
    participant = emulator.user(PARTICIPANT, "es", "Rosa")
    await onboard(participant, "Español", "Perú")
    await as_core(bot, participant)
    return organizer, participant


async def answered(user: FakeUser, text: str) -> None:
    replies = await user.send(text, timeout=10)
    assert replies, text
    apology = ("Sorry, something went wrong", "Disculpe, algo falló")
    assert not any(r.text.startswith(apology) for r in replies), (text, replies[-1].text)


async def pressed(emulator: BotAPIEmulator, user: FakeUser, data: str) -> None:
    """One callback query with this data on the user's last message; waits for its answer."""
    before = len(user.callback_answers)
    query = {"id": emulator.new_query_id(user.id), "from": user.json,
             "chat_instance": str(8_000_000_000 + user.id), "data": data,
             "message": user.last.raw}
    emulator.queue_update("callback_query", query)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while len(user.callback_answers) == before:
        assert await emulator.wait_change(deadline - loop.time()), f"{data!r}: no answer"
    await emulator.wait_quiet(lambda: emulator.activity, deadline)


async def test_every_command_with_inputs_that_crashed_before(
    bot: Services, emulator: BotAPIEmulator, errors: ErrorLog
) -> None:
    organizer, participant = await people(bot, emulator)
    names = commands(bot.app)
    assert {"session", "checkin", "invite", "correct", "code", "grant"} <= set(names)
    for name in names:
        for i, text in enumerate(NASTY):
            user = organizer if i % 2 == 0 else participant
            await answered(user, f"/{name} {text}")
        assert not errors.problems(), name


def examples(count: int) -> settings:
    """Modest counts for CI time; derandomized, so every run tries the same inputs."""
    return settings(max_examples=count, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@examples(40)
@given(data=st.data())
async def test_any_text_after_any_command_gets_an_answer(
    bot: Services, emulator: BotAPIEmulator, errors: ErrorLog, data: st.DataObject
) -> None:
    if emulator.users.get(PARTICIPANT) is None:
        await people(bot, emulator)
    user = emulator.users[data.draw(st.sampled_from([ORGANIZER_ID, PARTICIPANT]))]
    name = data.draw(st.sampled_from(commands(bot.app)))
    await answered(user, f"/{name} {data.draw(TEXT)}".rstrip())
    assert not errors.problems()


def mangle(example: str, digit: str, tail: str, cut: int) -> str:
    """A valid-looking button's data with a hostile digit, cut short or extended."""
    data = re.sub(r"[0-9]", digit, example, count=1)
    return data[:cut] if cut < len(data) else data + tail


@examples(60)
@given(data=st.data())
async def test_any_button_data_gets_an_answer(
    bot: Services, emulator: BotAPIEmulator, errors: ErrorLog, data: st.DataObject
) -> None:
    if emulator.users.get(PARTICIPANT) is None:
        await people(bot, emulator)
    user = emulator.users[data.draw(st.sampled_from([ORGANIZER_ID, PARTICIPANT]))]
    examples = button_examples(bot.app)
    forged = st.builds(mangle, st.sampled_from(examples), DIGITS, TEXT,
                       st.integers(min_value=0, max_value=70))
    raw = data.draw(st.one_of(forged, st.sampled_from(examples), TEXT))
    payload = raw.encode()[:64].decode(errors="ignore")  # Telegram's limit on button data
    await pressed(emulator, user, payload)
    assert not errors.problems()
