"""A draft waiting for typed input (content, a language version, a time): it is pending input
(handlers/input.py), so it survives a restart; and the buttons' callback data."""

from __future__ import annotations

from bot.broadcasts.keyboards import AudiencePress, ListAction, PreviewAction
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID, BotRunner, onboard


async def test_a_draft_waiting_for_content_survives_a_restart(
    run_bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    participant = emulator.user(201, "en")
    facilitator = emulator.user(120, "en")
    organizer = emulator.user(ORGANIZER_ID, "en")
    async with run_bot():
        await onboard(participant, "English", "Ghana")
        await facilitator.send("/start")
        await organizer.send(f"/grant facilitator {facilitator.id}")
        await facilitator.send("/broadcast")
        await facilitator.press("Ghana")
        (screen,) = await facilitator.press("Everyone")
        assert "Active people matching: 1" in screen.text
        (prompt,) = await facilitator.press("Continue")
        assert "Now send me the message to broadcast" in prompt.text
    async with run_bot() as svc:
        preview, copy, actions = await facilitator.send("Session 3 moved to 15:00", expect=3)
        assert preview.text == "👀 Preview: exactly what 1 person will receive:"
        assert copy.text == "Session 3 moved to 15:00"
        assert actions.text.startswith("📣 Broadcast #1")
        assert [v.language for v in await svc.repo.broadcasts.versions(1)] == [None]
        # The content is taken: the next message is an ordinary one again.
        (other,) = await facilitator.send("hello")
        assert other.text.startswith("Sorry, I did not understand")


async def test_an_organizer_can_forward_the_content(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """A forwarded message is content, not a question about whose message it is."""
    participant = emulator.user(201, "en")
    await onboard(participant, "English", "Ghana")
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/broadcast")
    await organizer.press("Continue")
    preview, copy, _actions = await organizer.forward(participant, "Forwarded news", expect=3)
    assert preview.text.startswith("👀 Preview")
    assert copy.text == "Forwarded news"
    # Without a draft waiting, a forward is about roles, as before.
    (info,) = await organizer.forward(participant, "hello")
    assert info.text.startswith("Forwarded from")


def test_callback_data_keeps_its_format() -> None:
    assert AudiencePress(7, "all").pack() == "bca:7:all"
    assert AudiencePress(7, "c", "GH").pack() == "bca:7:c:GH"
    assert AudiencePress(7, "s", "absent", 3).pack() == "bca:7:s:absent:3"
    assert AudiencePress.parse("bca:7:s:present:12") == AudiencePress(7, "s", "present", 12)
    assert PreviewAction(7, "v", "es").pack() == "bcp:7:v:es"
    assert PreviewAction.parse("bcp:7:send") == PreviewAction(7, "send")
    assert ListAction.parse("bcl:7:x") == ListAction(7, "x")
    for forged in ("bca:x:all", "bca:7:zap", "bcp:7:send:now:1", "bcl:7:y", "bcl:٧:d"):
        assert AudiencePress.parse(forged) is None
        assert PreviewAction.parse(forged) is None
        assert ListAction.parse(forged) is None
