"""Early warnings end to end (issue 28): sessions 0-4 with a Ghana core group where one person
misses sessions 1, 3 and 4. After each session the Ghana facilitator's digest lists who missed
it (second miss in a row, can no longer reach the threshold), a facilitator limited to Peru
sees nothing of Ghana's people, the person gets one kind word after each miss (none twice
across a restart), and "write to those who missed it" reaches exactly them."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.jobs import fire_due
from bot.schedule import Schedule
from bot.services import Services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, onboard

GH_FAC, PE_FAC = 202, 203
KOFI, AMA, YAW, ROSA = 211, 212, 213, 221  # Kofi misses 1, 3, 4; Rosa (Peru) misses 4
MISSES = {KOFI: {1, 3, 4}, ROSA: {4}}


def digests(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.messages if m.text.startswith("📋 ")
            and ("After session" in m.text or "Después de la sesión" in m.text)]


def words(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.messages if m.text.startswith("👋")]


async def setup(bot: Services, emulator: BotAPIEmulator) -> dict[int, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    gh = emulator.user(GH_FAC, "en", "Gifty")
    pe = emulator.user(PE_FAC, "es", "Julio")
    await onboard(gh, "English", "Ghana")
    await onboard(pe, "Español", "Perú")
    for user in (gh, pe):
        await bot.repo.participants.update(user.id, bot.clock.now(), grp=None)
    await organizer.send(f"/grant facilitator {GH_FAC} GH")
    await organizer.send(f"/grant facilitator {PE_FAC} PE")
    people = {GH_FAC: gh, PE_FAC: pe, ORGANIZER_ID: organizer}
    for uid, name in ((KOFI, "Kofi"), (AMA, "Ama"), (YAW, "Yaw")):
        people[uid] = emulator.user(uid, "en", name)
        await onboard(people[uid], "English", "Ghana")
    people[ROSA] = emulator.user(ROSA, "es", "Rosa")
    await onboard(people[ROSA], "Español", "Perú")
    await as_core(bot, *(people[uid] for uid in (KOFI, AMA, YAW, ROSA)))
    await bot.join()
    return people


async def run_session(bot: Services, clock: FakeClock, n: int) -> None:
    session = bot.schedule.sessions[n]
    clock.set(session.start + timedelta(minutes=5))
    for uid in (KOFI, AMA, YAW, ROSA):
        if n not in MISSES.get(uid, set()):
            await bot.repo.attendance.check_in(uid, n, "present", "button", clock.now())
    clock.set(session.end + timedelta(minutes=1))
    await fire_due(bot.app, clock)
    await bot.join()


async def test_sessions_0_to_4_warn_the_right_people_once(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock, schedule: Schedule
) -> None:
    s = dict(enumerate(schedule.sessions))
    clock.set(datetime(2021, 1, 19, 12, tzinfo=s[0].start.tzinfo))
    async with run_bot() as bot:
        p = await setup(bot, emulator)
        for n in range(4):
            await run_session(bot, clock, n)
            if n == 2:  # a question waiting since, a goal without progress since session 3
                clock.set(s[2].end + timedelta(days=1))
                await bot.repo.goals.add_goal("GH", "Tree nursery", None, None, GH_FAC,
                                              clock.now())
        clock.set(s[4].start - timedelta(days=3))
        await bot.repo.questions.add(AMA, 1, "When is the field visit?", clock.now())
        await bot.repo.materials.add(4, "link", caption="Recording", by=GH_FAC, now=clock.now(),
                                     url="https://youtu.be/rec4")
        await run_session(bot, clock, 4)

        gh, pe, org = p[GH_FAC], p[PE_FAC], p[ORGANIZER_ID]
        # Digests after 1, 3, 4 (someone missed); after 0 and 2 nothing to say, nothing sent.
        assert [d.text.splitlines()[0] for d in digests(gh)] == [
            "📋 After session 1", "📋 After session 3", "📋 After session 4"]
        last = digests(gh)[-1]
        assert last.text.splitlines() == [
            "📋 After session 4",
            "Session 4: Working with smallholders",
            "",
            "Attendance (session 4 · session 3)",
            "🇬🇭 Ghana: 2 of 3 · 2 of 3",
            "",
            "1 core member missed it",
            "⚠️ Kofi · second miss in a row · can no longer reach the certificate threshold",
            "",
            "1 question unanswered for more than 48 hours · /questions",
            "❓ Ama: When is the field visit?",
            "",
            "1 goal with no progress since session 3 · /goals",
            "🎯 🇬🇭 Tree nursery",
            "",
            "Tap a name for the person's card. /digest: turn this off or on.",
        ]
        assert last.button_texts() == ["👤 Kofi", "✉️ Write to those who missed it"]
        first = digests(gh)[0].text
        assert "▫️ Kofi" in first and "second miss" not in first and "no longer" not in first
        third = digests(gh)[1].text
        assert "▫️ Kofi" in third  # 2 attended + 7 to come = 9 of 11 needed: still reachable

        # Peru's facilitator: only session 4 (Rosa), in Spanish, nothing of Ghana.
        (pe_digest,) = digests(pe)
        assert pe_digest.text.splitlines()[0] == "📋 Después de la sesión 4"
        assert "Rosa" in pe_digest.text and "🇵🇪" in pe_digest.text
        assert not any(word in pe_digest.text for word in ("Kofi", "Ghana", "Ama", "nursery"))
        # The organizer: everyone.
        org_last = digests(org)[-1].text
        assert "Kofi" in org_last and "Rosa" in org_last

        # The kind word: once after each miss, in their language; the second in a row says so.
        kofi = words(p[KOFI])
        assert [m.text.splitlines()[0] for m in kofi] == [
            "👋 We missed you at session 1", "👋 We missed you at session 3",
            "👋 We missed you again at session 4"]
        assert "You have attended 2 of 5 sessions so far." in kofi[-1].text
        assert "/ask" in kofi[-1].text and "no longer within reach" in kofi[-1].text
        assert "📎 What was shared (materials and recording): /session 4" in kofi[-1].text
        assert "What was shared" not in kofi[0].text  # nothing attached to session 1
        assert "To earn the certificate you need 8 of the remaining 9 sessions." in kofi[0].text
        assert "Next session: " in kofi[0].text
        assert [len(words(p[uid])) for uid in (AMA, YAW)] == [0, 0]
        (rosa,) = words(p[ROSA])
        assert rosa.text.splitlines()[0] == "👋 Nos hizo falta en la sesión 4"

        # One tap to the absentees: the broadcast flow, preset to "did not check in to 4".
        screen, links = await gh.press("Write to those who missed it", message=last, expect=2)
        assert links.text.splitlines() == [
            "📎 The links of session 4, to paste into your message if you like:",
            "Recording: https://youtu.be/rec4"]
        assert screen.text.splitlines()[-2:] == ["👥 core group · did not check in to session 4",
                                                "Active people matching: 1"]
        await gh.press("Continue")
        replies = await gh.send("We kept your seat. Can we help?", expect=3)
        assert replies[0].text.startswith("👀 Preview")
        await gh.press("Send now")
        await bot.join()
        got = {uid: [m for m in user.messages if m.text == "We kept your seat. Can we help?"]
               for uid, user in p.items() if uid != GH_FAC}
        assert {uid for uid, ms in got.items() if ms} == {KOFI}

    # A restart within the grace period sends nothing again.
    counts = (len(digests(gh)), len(digests(pe)), len(words(p[KOFI])), len(words(p[ROSA])))
    clock.advance(timedelta(hours=1))
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
        await bot.join()
        statuses = await bot.repo.reminders.statuses(DeliveryKey("missed", 4, s[4].start, 0))
    assert statuses == {KOFI: "sent", ROSA: "sent"}
    assert counts == (len(digests(gh)), len(digests(pe)), len(words(p[KOFI])),
                      len(words(p[ROSA])))


async def test_a_person_who_turned_the_word_off_in_reminders_gets_none(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    p = await setup(bot, emulator)
    kofi = p[KOFI]
    (screen,) = await kofi.send("/reminders")
    assert screen.button_texts()[-1] == "✅ A word after a session I missed"
    (changed,) = await kofi.press("A word after a session I missed")
    assert changed.button_texts()[-1] == "🚫 A word after a session I missed"
    (rosa,) = await p[ROSA].send("/reminders")  # in her language
    assert rosa.button_texts()[-1] == "✅ Un mensaje tras una sesión a la que falté"
    (staff,) = await p[GH_FAC].send("/reminders")  # not in a group: nothing to turn off
    assert "A word after" not in " ".join(staff.button_texts())
    await run_session(bot, clock, 3)  # session 3: Kofi misses it
    assert words(kofi) == []
    (digest,) = digests(p[GH_FAC])
    assert "⚠️ Kofi · second miss in a row" in digest.text  # still told (none in 0-2 here)


async def test_nobody_is_told_they_missed_a_session_on_the_day_they_joined(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, schedule: Schedule
) -> None:
    p = await setup(bot, emulator)
    s3 = schedule.sessions[3]
    # Kofi joined during session 3, Yaw the evening before it, Ama two days before.
    for uid, since in ((KOFI, s3.start + timedelta(minutes=30)),
                       (YAW, s3.start - timedelta(hours=5)), (AMA, s3.start - timedelta(days=2))):
        await as_core(bot, p[uid], since=since)
    clock.set(s3.end + timedelta(minutes=1))  # none of the three checked in
    await fire_due(bot.app, clock)
    await bot.join()
    assert [len(words(p[uid])) for uid in (KOFI, YAW, AMA)] == [0, 0, 1]
    (digest,) = digests(p[GH_FAC])  # the facilitators still see them, as /me and /attendance do
    assert all(name in digest.text for name in ("Kofi", "Yaw", "Ama"))
