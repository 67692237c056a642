"""Group chats: personal answers never go there (only a note and a button to the private
chat), and a group upgraded to a supergroup keeps its reminders (the link follows its new id,
from the service message or from Telegram's ChatMigrated answer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.jobs import fire_due
from bot.services import Services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, as_core, onboard

GROUP, SUPERGROUP = -4001, -1_004_001
S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
NOTE = ("This is personal, so I only answer it in our private chat. Open it with the button "
        "and send the command there.")
PERSONAL = ["/mydata", "/me", "/progress", "/profile", "/checkin", "/settings", "/reminders",
            "/forget", "/start", "/review", "/addgoal"]
STAFF = ["/people", "/attendance 3", "/correct 3 702 present seen", "/export", "/grant",
         "/broadcast"]


async def test_personal_answers_stay_out_of_group_chats(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    ama = emulator.user(702, "en", "Ama", "Mensah", "ama_gh")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    await emulator.add_bot_to_group(GROUP, "Core Ghana", ORGANIZER_ID)
    private_before = len(ama.messages)
    for user, commands in ((ama, PERSONAL), (organizer, STAFF)):
        for command in commands:
            (answer,) = await user.send_in_group(GROUP, command)
            assert answer.text == NOTE, command
            assert answer.buttons() == [[("Open the private chat",
                                          "https://t.me/sske_test_bot")]], command
            assert answer.document is None
    group_text = " ".join(m.text for m in emulator.messages_to(GROUP))
    for detail in ("Mensah", "ama_gh", "702", "Ghana core"):
        assert detail not in group_text
    assert len(ama.messages) == private_before  # nothing was sent, nothing was deleted
    assert await bot.repo.participants.get(702) is not None
    (document,) = await ama.send("/mydata")  # in the private chat it works as ever
    assert document.document is not None and document.document[0] == "my-data.json"


async def link_group(bot: Services, emulator: BotAPIEmulator) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    await emulator.add_bot_to_group(GROUP, "Core Perú", ORGANIZER_ID)
    (linked,) = await organizer.send_in_group(GROUP, "/link PE core")
    assert linked.text.startswith("This chat is linked to Peru")


async def test_group_upgraded_to_a_supergroup_keeps_its_link(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await link_group(bot, emulator)
    await emulator.migrate_group(GROUP, SUPERGROUP, ORGANIZER_ID)
    assert [g.chat_id for g in await bot.repo.reminders.groups()] == [SUPERGROUP]
    clock.set(S3 - timedelta(hours=1))
    await fire_due(bot.app, clock)
    (reminder,) = [m for m in emulator.messages_to(SUPERGROUP) if m.text.startswith("⏰")]
    assert reminder.text.startswith("⏰ Recordatorio: la sesión comienza en 1 hora.")


async def test_chat_migrated_answer_moves_the_link_and_sends_once_more(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await link_group(bot, emulator)
    # Telegram upgraded the group; the bot has not seen the service message yet.
    emulator.add_chat(SUPERGROUP, "supergroup", "Core Perú")
    emulator.migrated[GROUP] = SUPERGROUP
    clock.set(S3 - timedelta(hours=1))
    await fire_due(bot.app, clock)
    reminders = [m for m in emulator.messages_to(SUPERGROUP) if m.text.startswith("⏰")]
    assert len(reminders) == 1
    assert [g.chat_id for g in await bot.repo.reminders.groups()] == [SUPERGROUP]
    statuses = await bot.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 60))
    assert statuses == {GROUP: "failed", SUPERGROUP: "sent"}
    clock.set(S3)
    await fire_due(bot.app, clock)  # the next reminder goes straight to the supergroup
    assert len([m for m in emulator.messages_to(SUPERGROUP)
                if m.text.startswith(("⏰", "🔔"))]) == 2
