"""Every staff command answers only in a private chat, by one rule (issue 29, item 3).

`restricted()` in handlers/common.py sends staff answers (people, figures, links) to the
private chat only; in a group chat the one thing posted is the short note with the button.
The table below must list every staff command the Application registers (a new one fails
here until it is added), and each is tried in a group chat by an organizer and by a
facilitator: nothing but the note reaches the group.
"""

from __future__ import annotations

import pytest
from telegram.ext import CommandHandler

from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID, as_core, onboard

GROUP = -4_002
NOTE = ("This is personal, so I only answer it in our private chat. Open it with the button "
        "and send the command there.")
FACILITATOR = 7_020
# Staff commands, as someone would type them in a group (the arguments a real use takes).
STAFF: dict[str, str] = {
    "attendance": "/attendance 3",
    "breakouts": "/breakouts 3",
    "broadcast": "/broadcast",
    "broadcasts": "/broadcasts",
    "certificates": "/certificates",
    "code": "/code 3",
    "correct": "/correct 3 702 present seen",
    "digest": "/digest",
    "export": "/export",
    "feedback": "/feedback 3",
    "grant": "/grant facilitator 702",
    "invite": "/invite core PE",
    "invites": "/invites",
    "materials": "/materials 3",
    "networking": "/networking",
    "joinlink": "/joinlink https://zoom.us/j/1",
    "move": "/move 4 2021-04-21 17:00",
    "changes": "/changes",
    "people": "/people",
    "person": "/person 900",
    "roster": "/roster",
    "questions": "/questions",
    "reload": "/reload",
    "revoke": "/revoke facilitator 702",
    "revokecert": "/revokecert 7K3M-9QXD-2HTB-W4PZ",
    "stats": "/stats",
    "status": "/status",
}
IN_GROUPS = {"link", "unlink"}  # they act on the group chat itself
# Commands for everyone whose staff answer shows every country: private for staff too.
STAFF_ANSWERS = {"goals": "/goals", "goals all": "/goals all"}


def staff_commands(bot: Services) -> set[str]:
    found: set[str] = set()
    for handlers in bot.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler) and hasattr(handler.callback,
                                                               "required_role"):
                found |= set(handler.commands)
    return found


async def test_the_table_lists_every_staff_command(bot: Services) -> None:
    assert staff_commands(bot) == set(STAFF) | IN_GROUPS


@pytest.mark.parametrize("who", ["organizer", "facilitator"])
async def test_staff_commands_in_a_group_post_only_the_note(
    bot: Services, emulator: BotAPIEmulator, who: str
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    ama = emulator.user(702, "en", "Ama", "Mensah", "ama_gh")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    await organizer.send("/invite core GH")  # an active invitation link /invites would show
    user = organizer
    if who == "facilitator":
        user = emulator.user(FACILITATOR, "en")
        await user.send("/start")
        await organizer.send(f"/grant facilitator {FACILITATOR} GH")
    # One group chat per command: Telegram lets a bot post 20 messages a minute in a group.
    tried = {**STAFF, **STAFF_ANSWERS}
    for i, (name, command) in enumerate(tried.items()):
        group = GROUP - i
        await emulator.add_bot_to_group(group, "Ghana core", ORGANIZER_ID)
        answers = await user.send_in_group(group, command)
        assert len(answers) == 1, (name, [a.text for a in answers])
        (answer,) = answers
        assert answer.text == NOTE, name
        assert answer.document is None and answer.media is None, name
        assert answer.buttons() == [[("Open the private chat",
                                      "https://t.me/sske_test_bot")]], name
    await bot.join()
    for i, name in enumerate(tried):
        posted = [m.text for m in emulator.messages_to(GROUP - i)]
        assert posted[1:] == [NOTE] and posted[0].startswith("Hello! An organizer"), name
    assert await bot.repo.participants.get(702) is not None
