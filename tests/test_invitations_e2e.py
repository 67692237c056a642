"""Invitation links, open and closed self-registration, end to end through the emulator."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.jobs import fire_due
from bot.services import Services
from tests.helpers import ORGANIZER_ID, BotRunner, skip_profile_questions

LINK = re.compile(r"https://t\.me/sske_test_bot\?start=([\w-]+)")


def code_in(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return found.group(1)


async def invite(emulator: BotAPIEmulator, command: str) -> str:
    (reply,) = await emulator.user(ORGANIZER_ID, "en").send(command)
    return code_in(reply.text)


async def test_core_invitation_sets_group_and_country(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    code = await invite(emulator, "/invite core Perú 2 7")
    user = emulator.user(21, "es")
    (welcome,) = await user.send(f"/start {code}")
    assert welcome.text.startswith("¡Le damos la bienvenida!")
    assert "Usted se une al grupo núcleo de 🇵🇪 Perú." in welcome.text
    assert "/mydata" in welcome.text and "/forget" in welcome.text  # the privacy notice
    (asked,) = await user.press("Español")  # the country question is skipped
    assert asked.text.startswith("Casi listo.")
    done = await skip_profile_questions(user)
    assert done.text.startswith("¡Listo! Los horarios se muestran en hora de Perú.")
    person = await bot.repo.participants.get(21)
    assert person is not None
    assert (person.group, person.country, person.zone, person.joined_via, person.onboarded) == (
        "core", "PE", "America/Lima", "invite", True)
    inv = await bot.repo.invitations.get(code)
    assert inv is not None and inv.uses == 1 and inv.created_by == ORGANIZER_ID


async def test_invitation_to_a_country_with_several_zones_asks_the_zone(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    code = await invite(emulator, "/invite core BR")
    user = emulator.user(22, "pt-BR")
    await user.send(f"/start {code}")
    (zones,) = await user.press("Português")
    assert zones.text == "Brasil: há vários fusos horários. Qual é o seu?"
    await user.press("Manaus")
    await skip_profile_questions(user)
    person = await bot.repo.participants.get(22)
    assert person is not None and (person.group, person.country, person.zone) == (
        "core", "BR", "America/Manaus")


async def test_wider_invitation_for_any_country_and_by_buttons(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    (reply,) = await organizer.send("/invite wider any")
    assert "Up to 100 people can join with it, until Apr 19, 2021" in reply.text
    code = code_in(reply.text)
    user = emulator.user(23, "fr")
    (welcome,) = await user.send(f"/start {code}")
    assert "Vous rejoignez le groupe élargi." in welcome.text
    (country,) = await user.press("Français")
    assert country.text == "Dans quel pays êtes-vous\u00a0?"  # any country: they pick it
    await user.press("Colombie")
    await skip_profile_questions(user)
    person = await bot.repo.participants.get(23)
    assert person is not None and (person.group, person.country) == ("wider", "CO")

    (which,) = await organizer.send("/invite")
    assert which.text == "Invite people to which group?"
    (country_picker,) = await organizer.press("Wider group")
    assert "🌐 Any country" in country_picker.button_texts()
    (created,) = await organizer.press("Colombia")
    assert created.edited and "Wider group · 🇨🇴 Colombia" in created.text
    inv = await bot.repo.invitations.get(code_in(created.text))
    assert inv is not None and (inv.group, inv.country, inv.max_uses) == ("wider", "CO", 100)
    assert inv.expires_at == clock.now() + timedelta(days=30)

    (picker,) = await organizer.send("/invite core")
    assert "🌐 Any country" not in picker.button_texts()
    (usage,) = await organizer.send("/invite core any")
    assert usage.text.startswith("A core group invitation is for one country")
    (unknown,) = await organizer.send("/invite core Atlantis")
    assert unknown.text.startswith("I don't know that country.\nUsage: /invite core")


async def test_uses_expiry_revocation_and_unknown_codes(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    code = await invite(emulator, "/invite core GH 2 7")
    first, again, second, third = (emulator.user(i, "en") for i in (31, 31, 32, 33))
    await first.send(f"/start {code}")
    await again.send(f"/start {code}")  # the same person twice: one use
    await second.send(f"/start {code}")
    (used_up,) = await third.send(f"/start {code}")
    assert used_up.text.startswith("This invitation link has been used as many times as it")
    assert "Questions? Write to Catalina von Hildebrand (Alisos)" in used_up.text
    assert "send /start to join without an invitation" in used_up.text  # REGISTRATION=open
    inv = await bot.repo.invitations.get(code)
    assert inv is not None and inv.uses == 2
    assert (await bot.repo.participants.get(33)).group is None  # type: ignore[union-attr]

    short = await invite(emulator, "/invite wider GH 10 1")
    clock.advance(timedelta(days=1))
    (expired,) = await emulator.user(34, "en").send(f"/start {short}")
    assert expired.text.startswith("This invitation link has expired.")

    (unknown,) = await emulator.user(35, "en").send("/start not-a-real-code")
    assert unknown.text.startswith("This invitation link is not valid.")
    assert (await bot.repo.participants.get(35)).group is None  # type: ignore[union-attr]


async def test_revoked_codes_stop_working(bot: Services, emulator: BotAPIEmulator) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    keep = await invite(emulator, "/invite core CO 7 30")
    drop = await invite(emulator, "/invite wider CO 50 30")
    (listing,) = await organizer.send("/invites")
    assert listing.text.startswith("Active invitation links")
    assert "7 uses left (of 7)" in listing.text and "50 uses left (of 50)" in listing.text
    (after,) = await organizer.press("Withdraw 2")
    assert after.edited and drop not in after.text and keep in after.text
    assert organizer.callback_answers[-1]["text"] == "Withdrawn: that link no longer works."
    (revoked,) = await emulator.user(41, "en").send(f"/start {drop}")
    assert revoked.text.startswith("This invitation link has been withdrawn.")
    entries = await bot.repo.participants.audit_entries()
    assert [(e["action"], e["target"]) for e in entries] == [
        ("invite", keep), ("invite", drop), ("invite.revoke", drop)]
    # Pressing the same button on the old list again changes nothing and says so.
    await organizer.press_data(f"inv:rev:{drop}", message_id=listing.message_id, expect=0)
    assert organizer.callback_answers[-1]["text"].startswith("That link was already withdrawn")


async def test_core_member_keeps_core_when_opening_a_wider_link(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    core = await invite(emulator, "/invite core PE")
    wider = await invite(emulator, "/invite wider any")
    user = emulator.user(51, "en")
    await user.send(f"/start {core}")
    (welcome,) = await user.send(f"/start {wider}")
    assert "You are already in the core group" in welcome.text
    person = await bot.repo.participants.get(51)
    assert person is not None and (person.group, person.country) == ("core", "PE")
    inv = await bot.repo.invitations.get(wider)
    assert inv is not None and inv.uses == 0


async def test_open_registration_before_and_after_the_wider_group_starts(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as svc:
        app = svc.app
        early = emulator.user(61, "en")
        (welcome,) = await early.send("/start")
        # In the wider group at once (its reminders reach them), told when it starts.
        assert ("You are joining the wider group. Its first session is on June 17, 2021; I "
                "will remind you before it.") in welcome.text
        await early.press("English")
        await early.press("Ghana")
        await skip_profile_questions(early)
        person = await svc.repo.participants.get(61)
        assert person is not None and (person.group, person.joined_via) == ("wider", "open")

        clock.set(datetime(2021, 6, 17, 14, 0, tzinfo=UTC))
        mark = len(early.messages)
        assert "registration:wider-start" in await fire_due(app, clock)
        welcomed = [m for m in early.messages[mark:] if m.text.startswith("🎉")]
        assert [m.text.split("\n\n")[0] for m in welcomed] == [
            "🎉 You are now part of the wider group of the South-South Knowledge Exchange on "
            "Sustainable Cocoa (SSKE).\nIts first session starts now: Cocoa context in Africa "
            "and Latin America. /next shows it, /schedule the sessions ahead."]
        # The welcome is their "starting now" reminder too: one message, with its buttons.
        assert "🔔 Starting now!" in welcomed[0].text
        assert welcomed[0].button_texts()[0] == "✅ Check in"
        assert [m.text for m in early.messages[mark:]] == [welcomed[0].text]
        await fire_due(app, clock)  # a second run sends nothing again
        assert len([m for m in early.messages if m.text.startswith("🎉")]) == 1

        late = emulator.user(62, "es")
        (joined,) = await late.send("/start")
        assert "Usted se une al grupo ampliado." in joined.text
        person = await svc.repo.participants.get(62)
        assert person is not None and (person.group, person.joined_via) == ("wider", "open")


async def test_promotion_happens_at_start_when_the_date_passed_while_down(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot():
        await emulator.user(63, "en").send("/start")
    clock.set(datetime(2021, 7, 1, tzinfo=UTC))
    async with run_bot() as svc:
        person = await svc.repo.participants.get(63)
        assert person is not None and person.group == "wider"


async def test_closed_registration_needs_an_invitation(
    run_bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    async with run_bot(registration="closed", privacy_url="https://example.org/privacy") as svc:
        stranger = emulator.user(71, "fr")
        (refused,) = await stranger.send("/start")
        assert refused.text.startswith("Pour rejoindre ce programme, il faut une invitation")
        assert "Des questions\u00a0? Écrivez à Catalina von Hildebrand" in refused.text
        assert refused.reply_markup is None
        # Forged onboarding buttons, /settings and /goals do not open the door either.
        for data in ("lang:ob:fr", "country:ob:PE", "country:st:PE"):
            assert await stranger.press_data(data, expect=0) == []
            assert stranger.callback_answers[-1]["text"].startswith(
                "Ce programme nécessite une invitation")
        for command in ("/settings", "/goals PE", "/next"):
            (gated,) = await stranger.send(command)
            assert gated.text == refused.text
        person = await svc.repo.participants.get(71)
        assert person is not None and not person.onboarded and person.country is None
        (still,) = await stranger.send("/start")
        assert still.text == refused.text
        (bad,) = await stranger.send("/start nope")
        assert bad.text.startswith("Ce lien d'invitation n'est pas valide.")
        assert "sans invitation" not in bad.text  # no open-registration hint

        code = await invite(emulator, "/invite wider CO")
        (welcome,) = await stranger.send(f"/start {code}")
        assert "Vous rejoignez le groupe élargi (🇨🇴 Colombie)." in welcome.text
        assert "Politique de confidentialité complète\u00a0: https://example.org/privacy" in (
            welcome.text)
        person = await svc.repo.participants.get(71)
        assert person is not None and (person.group, person.country) == ("wider", "CO")

        staff = emulator.user(72, "en")
        await staff.send("/next")
        await emulator.user(ORGANIZER_ID, "en").send("/grant facilitator 72")
        (allowed,) = await staff.send("/start")
        assert allowed.text.startswith("Welcome!")
        (organizer_start,) = await emulator.user(ORGANIZER_ID, "en").send("/start")
        assert organizer_start.text.startswith("Welcome!")
