"""Every registered privileged command and button, used by a plain participant: refused, and
the database unchanged. The list is read from the Application's handlers, so a command or
callback pattern added later by any feature is walked too (no list to keep up to date here).

A handler is privileged when its callback carries `required_role` (set by @restricted);
without it, it is public. The walk fails loudly on what it cannot exercise: an unknown handler
type, a privileged handler of a kind it cannot drive, a callback pattern it cannot produce data
for, or a command that looks privileged but is not @restricted.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
)

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, FakeUser
from bot.i18n import I18n
from bot.schedule import Schedule
from bot.services import Services, get_services
from handlers.common import restricted
from tests.helpers import ORGANIZER_ID, dump, onboard

WALKER, OTHER, FACILITATOR = 5001, 5002, 5003

# Arguments tried for a privileged command ({me}, {other}, {code} are filled in); every command
# is also tried bare and with the generic ones.
COMMAND_ARGS: dict[str, list[str]] = {
    "grant": ["facilitator {me}", "cofacilitator {me}", "facilitator @walker PE",
              "facilitator {other}"],
    "revoke": ["facilitator {other}", "facilitator {facilitator}"],
    "invite": ["core PE 5 3", "wider any"],
    "invites": [],
    "people": ["PE core"],
}
GENERIC_ARGS = ["", "{me}", "PE core"]
# Realistic callback data per prefix, on top of what is generated from the pattern.
CALLBACK_DATA: dict[str, list[str]] = {
    "inv": ["inv:rev:{code}", "inv:c:core:PE:7:30", "inv:c:wider:any:100:30"],
    "ppl": ["ppl:PE:core", "ppl:all:all"],
}
# Public handlers must not carry these words: they look privileged.
PRIVILEGED_WORDS = ("grant", "revoke", "invite", "people", "export", "broadcast", "announce",
                    "admin", "reload")
KNOWN_PUBLIC_TYPES = (MessageHandler, TypeHandler, ChatMemberHandler)


class CannotGenerate(Exception):
    pass


def _variants(items: Any, cap: int = 24) -> list[str]:
    """Strings matching a parsed regex: every branch combination, shortest repeats."""
    parts: list[list[str]] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            parts.append([chr(av)])
        elif name == "NOT_LITERAL":
            parts.append(["a" if chr(av) != "a" else "b"])
        elif name == "ANY":
            parts.append(["a"])
        elif name == "IN":
            parts.append(_one_of(av))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, _high, sub = av
            parts.append([s * max(low, 1) for s in _variants(sub, cap)[:2]])
        elif name == "SUBPATTERN":
            parts.append(_variants(av[-1], cap))
        elif name == "BRANCH":
            parts.append([v for branch in av[1] for v in _variants(branch, cap)][:cap])
        elif name == "AT":
            parts.append([""])
        else:
            raise CannotGenerate(name)
    return ["".join(p) for p in itertools.islice(itertools.product(*parts), cap)]


def _one_of(items: Any) -> list[str]:
    """Characters for a set like [A-Z] or (s|x): each literal, one per range or category."""
    chars = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            chars.append(chr(av))
        elif name == "RANGE":
            chars.append(chr(av[0]))
        elif name == "CATEGORY" and str(av) in CATEGORY_SAMPLES:
            chars.append(CATEGORY_SAMPLES[str(av)])
        else:
            raise CannotGenerate(f"IN {items}")
    return chars


CATEGORY_SAMPLES = {"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}


SAMPLE_VALUES = {"me": 1, "other": 2, "facilitator": 3, "code": "AbCdEfGh12345678"}


def callback_examples(pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """(examples, generated ones that do not match: the generator's mistakes)."""
    generated = _variants(sre_parse.parse(pattern.pattern))
    prefix = generated[0].split(":")[0] if generated else ""
    table = [e for e in CALLBACK_DATA.get(prefix, [])
             if pattern.match(e.format(**SAMPLE_VALUES))]
    wrong = [e for e in generated if not pattern.match(e)]
    return list(dict.fromkeys([*table, *generated])), wrong


@dataclass(frozen=True)
class Step:
    kind: str  # "command" or "callback"
    name: str  # command or pattern
    required_role: str
    inputs: tuple[str, ...]  # argument strings or callback data (with {placeholders})


def walk_plan(app: Application) -> list[Step]:
    steps: list[Step] = []
    problems: list[str] = []
    for group, registered in sorted(app.handlers.items()):
        # A conversation is entered through its entry points (and answers its fallbacks).
        handlers = [
            inner
            for handler in registered
            for inner in (
                [*handler.entry_points, *handler.fallbacks]
                if isinstance(handler, ConversationHandler)
                else [handler]
            )
        ]
        for handler in handlers:
            role = getattr(handler.callback, "required_role", None)
            where = f"group {group}: {type(handler).__name__} {handler.callback.__qualname__}"
            if isinstance(handler, CommandHandler):
                for command in sorted(handler.commands):
                    if role is None:
                        if any(word in command for word in PRIVILEGED_WORDS):
                            problems.append(f"/{command} looks privileged but has no @restricted")
                        continue
                    args = [*GENERIC_ARGS, *COMMAND_ARGS.get(command, [])]
                    steps.append(Step("command", command, role, tuple(dict.fromkeys(args))))
            elif isinstance(handler, CallbackQueryHandler):
                if role is None:
                    continue
                pattern = handler.pattern
                if isinstance(pattern, str):
                    pattern = re.compile(pattern)
                if not isinstance(pattern, re.Pattern):
                    problems.append(f"{where}: privileged pattern {pattern!r} cannot be walked")
                    continue
                try:
                    examples, wrong = callback_examples(pattern)
                except CannotGenerate as exc:
                    problems.append(f"{where}: cannot make data for {pattern.pattern} ({exc}); "
                                    "add an example to CALLBACK_DATA")
                    continue
                if wrong or not examples:
                    problems.append(f"{where}: example data {wrong} does not match")
                    continue
                steps.append(Step("callback", pattern.pattern, role, tuple(examples)))
            elif isinstance(handler, KNOWN_PUBLIC_TYPES):
                if role is not None:
                    problems.append(f"{where}: privileged {type(handler).__name__} is not "
                                    "walked; teach tests/test_privileged_walk.py to drive it")
            else:
                problems.append(f"{where}: unknown handler type, not walked")
    assert not problems, "\n".join(problems)
    return steps


@pytest.fixture
async def app(settings: Settings, clock: FakeClock, schedule: Schedule,
              i18n: I18n) -> AsyncIterator[Application]:
    application = setup_application(settings, clock=clock, schedule=schedule, i18n=i18n)
    async with running(application):
        yield application


async def forge(emulator: BotAPIEmulator, user: FakeUser, data: str) -> dict[str, Any]:
    """One callback query with this data; returns the bot's answer to it."""
    answers = len(user.callback_answers)
    query = {"id": emulator.new_query_id(user.id), "from": user.json,
             "chat_instance": str(8_000_000_000 + user.id), "data": data,
             "message": user.last.raw}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5.0
    await emulator.settle(emulator.queue_update("callback_query", query))
    # On a loaded machine the answer can come after the settle's quiet window: wait for it.
    while len(user.callback_answers) < answers + 1:
        assert await emulator.wait_change(deadline - loop.time()), f"{data!r}: no answer"
    await emulator.wait_quiet(lambda: emulator.activity, deadline)
    assert len(user.callback_answers) == answers + 1, f"{data!r}: answered twice"
    return user.callback_answers[-1]


async def test_every_privileged_handler_refuses_a_participant(
    app: Application, emulator: BotAPIEmulator
) -> None:
    svc: Services = get_services(app)
    organizer = emulator.user(ORGANIZER_ID, "en")
    (created,) = await organizer.send("/invite core PE 5 30")
    code = created.text.split("start=")[1].split()[0]
    walker = emulator.user(WALKER, "es", username="walker")
    await walker.send(f"/start {code}")
    await walker.press("Español")
    await walker.press("⏭")
    await walker.press("⏭")
    await onboard(emulator.user(OTHER, "en"), "English", "Ghana")
    facilitator = emulator.user(FACILITATOR, "en")
    await facilitator.send("/next")
    await organizer.send(f"/grant facilitator {FACILITATOR}")
    values = {"me": WALKER, "other": OTHER, "facilitator": FACILITATOR, "code": code}

    steps = walk_plan(app)
    walked = {(s.kind, s.name) for s in steps}
    for expected in ("grant", "revoke", "invite", "invites", "people"):
        assert ("command", expected) in walked  # the walk is not empty by accident
    assert any(kind == "callback" and name.startswith("^inv:") for kind, name in walked)

    for step in steps:
        users = [walker] + ([facilitator] if step.required_role == "organizer" else [])
        for user in users:
            tr = svc.i18n.get("es" if user is walker else "en").gettext
            refusals = {tr("Sorry, only organizers can do that."),
                        tr("Sorry, only facilitators and organizers can do that.")}
            for raw in step.inputs:
                text = raw.format(**values)
                before = await dump(svc.repo.db)
                messages = len(user.messages)
                if step.kind == "command":
                    replies = await user.send(f"/{step.name} {text}".strip())
                    assert [r.text for r in replies] in ([r] for r in refusals), (step, text)
                else:
                    answer = await forge(emulator, user, text)
                    assert answer.get("text") in refusals and answer.get("show_alert"), (
                        step, text, answer)
                    assert len(user.messages) == messages, (step, text)
                assert await dump(svc.repo.db) == before, (step, text)


def test_a_command_added_later_is_walked_too(
    settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n
) -> None:
    application = setup_application(settings, clock=clock, schedule=schedule, i18n=i18n)

    @restricted("facilitator")
    async def later(update: object, context: object) -> None:  # pragma: no cover
        pass

    application.add_handler(CommandHandler("attendance", later))  # type: ignore[arg-type]
    application.add_handler(CallbackQueryHandler(later, pattern=r"^att:(s|x):\d{1,2}$"))  # type: ignore[arg-type]
    steps = walk_plan(application)
    assert Step("command", "attendance", "facilitator", ("", "{me}", "PE core")) in steps
    (callback,) = [s for s in steps if s.name == r"^att:(s|x):\d{1,2}$"]
    assert callback.inputs == ("att:s:1", "att:x:1")

    async def sneaky(update: object, context: object) -> None:  # pragma: no cover
        pass

    application.add_handler(CommandHandler("broadcast", sneaky))  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="/broadcast looks privileged"):
        walk_plan(application)


def test_handlers_it_cannot_drive_fail_loudly(
    settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n
) -> None:
    application = setup_application(settings, clock=clock, schedule=schedule, i18n=i18n)

    @restricted("organizer")
    async def odd(update: object, context: object) -> None:  # pragma: no cover
        pass

    application.add_handler(CallbackQueryHandler(odd, pattern=lambda data: True))  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="cannot be walked"):
        walk_plan(application)
