"""Materials end to end: a facilitator attaches a document and a link with /materials, the
session card lists them, and when the session ends its audience gets "Materials and recording"
exactly once (a gentler text for those who did not check in), across restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.jobs import fire_due
from bot.services import Services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, core_members, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # core only, 3 hours
END3 = S3 + timedelta(hours=3)
FAC, GH_FAC = 201, 202
MATERIALS = "📎 Materials and recording"


async def staff(bot: Services, emulator: BotAPIEmulator) -> tuple[FakeUser, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    fac, gh = emulator.user(FAC, "en", "Ama"), emulator.user(GH_FAC, "en", "Gifty")
    for user in (fac, gh):
        await onboard(user, "English", "Ghana")
        await bot.repo.participants.update(user.id, bot.clock.now(), grp=None)
    await organizer.send(f"/grant facilitator {FAC}")
    await organizer.send(f"/grant facilitator {GH_FAC} GH")
    await bot.join()
    return fac, gh


async def member(bot: Services, emulator: BotAPIEmulator, user_id: int, lang: str,
                 button: str, country: str, group: str = "core") -> FakeUser:
    user = emulator.user(user_id, lang)
    await onboard(user, button, country)
    await as_core(bot, user, group=group)
    return user


async def attach(fac: FakeUser) -> None:
    (listing,) = await fac.send("/materials 3")
    assert listing.text.splitlines()[:2] == [
        "📎 Materials · Session 3: Cocoa agroforestry design, innovative finance and PPPs",
        "No materials yet."]
    (added,) = await fac.send_document("slides.pdf", b"%PDF-1.4 slides", "Slides of session 3")
    assert added.text == ("📎 Added (1 of at most 20): Slides of session 3. Send more, or "
                          "press Finish.")
    (link,) = await fac.send("Recording https://youtu.be/rec3")
    assert link.text.startswith("📎 Added (2 of at most 20): Recording.")
    (nothing,) = await fac.send("hello")
    assert nothing.text.startswith("Please send a file (document, photo, video, audio)")
    (done,) = await fac.press("Finish")
    assert done.text.splitlines()[1:3] == ["1. 📄 Slides of session 3", "2. 🔗 Recording"]
    assert done.button_texts() == ["🗑 1", "🗑 2"]


def followups(user: FakeUser) -> list[BotMessage]:
    return [m for m in user.messages if MATERIALS in m.text or "📎 Materiales" in m.text]


async def test_attached_materials_reach_the_audience_once_after_the_session(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as bot:
        fac, _gh = await staff(bot, emulator)
        here = await member(bot, emulator, 211, "en", "English", "Ghana")
        away = await member(bot, emulator, 212, "es", "Español", "Perú")
        wider = await member(bot, emulator, 213, "en", "English", "Ghana", group="wider")
        await attach(fac)
        (card,) = await here.send("/session 3")
        assert "📎 Materials\n1. 📄 Slides of session 3\n2. 🔗 Recording" in card.text
        assert card.buttons() == [[("🗓 Add to calendar", "cal:3")],
                                  [("📎 Materials (2)", "mat:get:3")]]
        clock.set(S3 + timedelta(minutes=5))
        await here.send("/checkin")
        clock.set(END3)
        await fire_due(bot.app, clock)
        (mine,) = followups(here)
        assert mine.text.splitlines()[0] == "📎 Materials and recording for session 3"
        assert "Thank you for taking part! Here is what the facilitators shared." in mine.text
        assert mine.text.endswith("1. 📄 Slides of session 3\n2. 🔗 Recording")
        assert {"type": "text_link", "url": "https://youtu.be/rec3"}.items() <= next(
            e for e in mine.entities if e["type"] == "text_link").items()
        (missed,) = followups(away)
        assert missed.text.splitlines()[0] == "📎 Materiales y grabación de la sesión 3"
        assert "Usted no pudo asistir a esta sesión" in missed.text
        assert missed.buttons() == [[("📎 Materiales (2)", "mat:get:3")]]
        assert followups(wider) == []  # session 3 is for the core group
        statuses = await bot.repo.reminders.statuses(DeliveryKey("materials", 3, S3, 0))
        assert statuses == {211: "sent", 212: "sent"}

        got = await away.press("Materiales (2)", message=missed, expect=2)
        links, slides = got
        assert links.text.splitlines()[1:] == ["2. 🔗 Recording"]  # numbered as on the card
        assert slides.document == ("slides.pdf", b"%PDF-1.4 slides")
        assert slides.text == "Slides of session 3"
        assert fac.messages  # the facilitator's copy stays where it was
        await fire_due(bot.app, clock)
    clock.advance(timedelta(hours=1))
    async with run_bot() as bot:  # a restart within the grace period sends nothing again
        await fire_due(bot.app, clock)
    assert len(followups(here)) == len(followups(away)) == 1


async def test_materials_attached_after_the_end_go_out_once_they_settle(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    fac, _gh = await staff(bot, emulator)
    user = await member(bot, emulator, 221, "en", "English", "Ghana")
    clock.set(END3)
    await fire_due(bot.app, clock)
    assert followups(user) == []  # nothing attached yet: the follow-up waits
    clock.advance(timedelta(hours=20))
    await fac.send("/materials 3")
    await fac.send("Recording https://youtu.be/rec3")
    await fac.send("Slides https://drive.example.org/s3")
    clock.advance(timedelta(minutes=10))
    await fire_due(bot.app, clock)
    (sent,) = followups(user)
    assert "You missed this session" in sent.text and sent.reply_markup is None  # links only
    assert sent.text.endswith("1. 🔗 Recording\n2. 🔗 Slides")
    await fac.send("/materials 3")
    await fac.send("Notes https://drive.example.org/n3")
    clock.advance(timedelta(minutes=10))
    await fire_due(bot.app, clock)
    assert len(followups(user)) == 1  # it went out already: /session 3 lists the new one


async def test_organizers_can_turn_the_follow_up_off_per_session(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    session = bot.schedule.session(3)
    assert session is not None
    sessions = [s.model_copy(update={"send_materials": False}) if s.number == 3 else s
                for s in bot.schedule.sessions]
    bot.schedule = bot.schedule.model_copy(update={"sessions": sessions})
    for build in bot.job_builders:
        await build(bot.app)
    fac, _gh = await staff(bot, emulator)
    user = await member(bot, emulator, 231, "en", "English", "Ghana")
    await fac.send("/materials 3")
    await fac.send("Recording https://youtu.be/rec3")
    clock.set(END3 + timedelta(minutes=30))
    await fire_due(bot.app, clock)
    assert followups(user) == []
    (card,) = await user.send("/session 3")
    assert "1. 🔗 Recording" in card.text  # still on the card


@pytest.mark.parametrize(
    ("actor", "can_attach", "can_remove_others"),
    [("participant", False, False), ("facilitator of GH", True, False),
     ("organizer", True, True)],
)
async def test_who_may_attach_and_remove(
    bot: Services, emulator: BotAPIEmulator, actor: str, can_attach: bool,
    can_remove_others: bool,
) -> None:
    fac, gh = await staff(bot, emulator)
    participant = await member(bot, emulator, 241, "en", "English", "Ghana")
    await fac.send("/materials 3")
    await fac.send_document("agenda.pdf", b"%PDF agenda", "Agenda")
    user = {"participant": participant, "facilitator of GH": gh,
            "organizer": emulator.user(ORGANIZER_ID, "en")}[actor]
    (listing,) = await user.send("/materials 3")
    if not can_attach:
        assert listing.text == "Sorry, only facilitators and organizers can do that."
        (card,) = await participant.send("/session 3")
        assert "1. 📄 Agenda" in card.text  # they see them, they cannot change them
        return
    assert "1. 📄 Agenda" in listing.text
    assert ("🗑 1" in listing.button_texts()) == can_remove_others
    await user.send_photo(caption="Group photo")
    items = await bot.repo.materials.for_session(3)
    assert [(i.kind, i.caption, i.added_by) for i in items] == [
        ("document", "Agenda", FAC), ("photo", "Group photo", user.id)]
    forged = f"mat:rm:3:{items[0].id}"
    await user.press_data(forged, expect=0)
    answer = user.callback_answers[-1]
    if can_remove_others:
        assert answer["text"] == "Removed."
        assert [i.caption for i in await bot.repo.materials.for_session(3)] == ["Group photo"]
    else:
        assert answer["text"].startswith("Only the facilitator who added it")
        assert len(await bot.repo.materials.for_session(3)) == 2
    actions = [e["action"] for e in await bot.repo.participants.audit_entries()]
    assert actions.count("material_add") == 2


async def test_a_crash_in_the_follow_up_sends_nobody_anything_twice(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    ids = list(range(3000, 3060))
    async with run_bot() as bot:
        fac, _gh = await staff(bot, emulator)
        for uid in ids:  # they have written to the bot: their chats exist
            emulator.private_chat(emulator.user(uid, "en").json)
        await core_members(bot, ids)
        for uid in ids:
            await bot.repo.participants.update(uid, bot.clock.now(), language="en",
                                               country="GH", zone="Africa/Accra", onboarded=1)
        await fac.send("/materials 3")
        await fac.send("Recording https://youtu.be/rec3")
        clock.set(END3)
        task = asyncio.create_task(fire_due(bot.app, clock))

        def received() -> int:
            return sum(len([m for m in emulator.messages_to(uid) if MATERIALS in m.text])
                       for uid in ids)

        async with asyncio.timeout(20):
            while received() < 20:
                await asyncio.sleep(0.01)
        task.cancel()  # the crash, mid fan-out
        await asyncio.gather(task, return_exceptions=True)
    assert 20 <= received() < 60
    clock.advance(timedelta(minutes=20))
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
        statuses = await bot.repo.reminders.statuses(DeliveryKey("materials", 3, S3, 0))
    counts = {uid: len([m for m in emulator.messages_to(uid) if MATERIALS in m.text])
              for uid in ids}
    assert max(counts.values()) == 1
    unknown = [uid for uid, status in statuses.items() if status == "unknown"]
    assert len(unknown) <= 1 and sum(counts.values()) >= 60 - len(unknown)
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
    assert received() == sum(counts.values())


FOUR = [  # language, onboarding buttons, follow-up head, intro, materials button, question
    ("en", "English", "Ghana", None, "📎 Materials and recording for session 3",
     "Thank you for taking part! Here is what the facilitators shared.", "📎 Materials (1)",
     "How was this session for you?"),
    ("es", "Español", "Perú", None, "📎 Materiales y grabación de la sesión 3",
     "¡Gracias por participar! Esto es lo que compartieron los facilitadores.",
     "📎 Materiales (1)", "¿Cómo le fue en esta sesión?"),
    ("fr", "Français", "Côte d'Ivoire", None, "📎 Supports et enregistrement de la session 3",
     "Merci de votre participation\u00a0! Voici ce que les facilitateurs ont partagé.",
     "📎 Supports (1)", "Comment s'est passée cette session pour vous\u00a0?"),
    ("pt", "Português", "Brasil", "São Paulo", "📎 Materiais e gravação da sessão 3",
     "Obrigado por participar! Veja o que os facilitadores compartilharam.",
     "📎 Materiais (1)", "Como foi esta sessão para você?"),
]


async def test_follow_up_and_question_in_four_languages(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    fac, _gh = await staff(bot, emulator)
    users = {}
    for number, (lang, button, country, zone, *_texts) in enumerate(FOUR, start=251):
        users[lang] = emulator.user(number, lang)
        await onboard(users[lang], button, country, zone)
        await as_core(bot, users[lang])
    await fac.send("/materials 3")
    await fac.send_document("slides.pdf", b"%PDF slides")
    clock.set(S3 + timedelta(minutes=20))
    for user in users.values():
        await bot.repo.attendance.check_in(user.id, 3, "late", "button", clock.now())
    clock.set(END3)
    await fire_due(bot.app, clock)
    for lang, _b, _c, _z, head, intro, button, ask in FOUR:
        last = users[lang].messages[-2:]
        (follow,) = [m for m in last if m.text.startswith("📎")]
        (question,) = [m for m in last if m.text.startswith("⭐")]
        assert follow.text.splitlines()[0] == head and intro in follow.text
        assert follow.text.endswith("1. 📄 slides.pdf")
        assert follow.button_texts() == [button]
        assert question.text.splitlines()[1] == ask
