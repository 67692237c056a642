"""Certificates through the emulator: confirm the name, issue, get it again, verify, revoke."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from bot.certificates import rules
from bot.certificates.jobs import DELIVER, issue
from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from bot.storage.db import Database
from tests.goal_helpers import LANG_BUTTONS, wait_for
from tests.helpers import ORGANIZER_ID, ROOT, BotRunner, as_core, database_env, onboard

AFTER = datetime(2021, 10, 7, 12, tzinfo=UTC)  # the day after the closing session


async def attend(bot: Services, user_id: int, sessions: range | list[int]) -> None:
    for n in sessions:
        session = bot.schedule.session(n)
        assert session is not None
        await bot.repo.attendance.check_in(user_id, n, "present", "button", session.start)


async def participant(bot: Services, emulator: BotAPIEmulator, user_id: int, lang: str,
                      country: str, first_name: str, sessions: range | list[int],
                      group: str = "core") -> FakeUser:
    """Onboarded, in a group since the program's start, with these sessions attended."""
    user = emulator.user(user_id, lang, first_name=first_name)
    await onboard(user, LANG_BUTTONS[lang], country)
    await as_core(bot, user, group=group)
    await attend(bot, user_id, sessions)
    return user


def pdf_text(content: bytes) -> str:
    (page,) = PdfReader(io.BytesIO(content)).pages
    return " ".join(page.extract_text().split())


def pdf_qr(content: bytes) -> list[str]:
    (page,) = PdfReader(io.BytesIO(content)).pages
    return [b.text for image in page.images
            for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))]


async def q(bot: Services, sql: str) -> list[tuple[object, ...]]:
    """Rows from the database under test, while the bot runs or after it stopped."""
    try:
        return [tuple(row) for row in await bot.repo.db.fetch(sql)]
    except RuntimeError:  # stopped: storage closed
        db = await Database.open(bot.settings.database)
        try:
            return [tuple(row) for row in await db.fetch(sql)]
        finally:
            await db.close()


async def issue_all(organizer: FakeUser, bot: Services, count: int) -> None:
    """/certificates, Issue, Yes: then wait until the fan-out is done."""
    await organizer.send("/certificates")
    (asked,) = await organizer.press(f"Issue certificates ({count})")
    assert asked.text.startswith(f"Issue {count} certificate")
    (started,) = await organizer.press("Yes, issue them")
    assert started.text.startswith(f"📤 {count} certificate")
    await bot.join()


async def test_confirm_issue_resend_verify_revoke(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    zoe = await participant(bot, emulator, 301, "en", "Côte d'Ivoire", "Zoe", range(9))
    kojo = await participant(bot, emulator, 302, "en", "Ghana", "Kojo", range(8))
    clock.set(AFTER)

    (short,) = await kojo.send("/certificate")
    assert short.text.startswith("🎓 The certificate of completion needs 9 of the 11 sessions "
                                 "of your program. You have attended 8.")

    (me,) = await zoe.send("/me")
    assert "/certificate: check the name printed on it, then get it." in me.text
    (screen,) = await zoe.send("/certificate")
    assert "Your name will be printed on it as:\n\nZoe\n\n" in screen.text
    (asked,) = await zoe.press("Change the name")
    assert asked.text.startswith("Send me your name exactly as it should be printed")
    (refused,) = await zoe.send("山田")
    assert refused.text.startswith("The certificate cannot print these characters: 山 田.")
    (shown,) = await zoe.send("Zoë  N’Guessan")
    assert "\n\nZoë N’Guessan\n\n" in shown.text
    assert (await bot.repo.participants.get(301)).display_name == "Zoë N’Guessan"  # type: ignore[union-attr]
    (done,) = await zoe.press("Yes, print this name")
    assert done.text.startswith("✅ Your certificate will read: Zoë N’Guessan.")

    organizer = emulator.user(ORGANIZER_ID, "en")
    (counts,) = await organizer.send("/certificates")
    assert ("🇨🇮 Côte d'Ivoire: eligible 1 · name confirmed 1 · issued 0 · not eligible 0"
            in counts.text)
    assert "🇬🇭 Ghana: eligible 0 · name confirmed 0 · issued 0 · not eligible 1" in counts.text
    assert "All countries: eligible 1 · name confirmed 1 · issued 0 · not eligible 1" in counts.text
    await issue_all(organizer, bot, 1)

    ((code, delivery, file_id),) = await q(bot, "SELECT code, delivery, file_id FROM certificates")
    assert delivery == "sent" and file_id
    got = zoe.messages[-1]
    assert got.document is not None and got.text.endswith(
        f"Verification code: {'-'.join(str(code)[i:i + 4] for i in range(0, 16, 4))}")
    content = got.document[1]
    text = pdf_text(content)
    assert "Zoë N’Guessan" in text and "attending 9 of its 11 sessions (23 hours)" in text
    assert pdf_qr(content) == [f"https://t.me/sske_test_bot?start=verify-{code}"]
    assert organizer.messages[-1].text.startswith("🎓 Certificates sent: 1 delivered · 0 not")

    # Asked again: the same certificate, not a new one.
    (again,) = await zoe.send("/certificate")
    assert again.document == got.document
    assert await q(bot, "SELECT COUNT(*) FROM certificates") == [(1,)]

    # Anyone checks it, in their language, without being registered.
    stranger = emulator.user(501, "es")
    (valid,) = await stranger.send(f"/start verify-{code}")
    assert valid.text.splitlines()[:3] == [
        "✅ Certificado válido", "Nombre: Zoë N’Guessan", "Grupo: Grupo núcleo"]
    assert "Asistencia: 9 de 11 sesiones (23 horas)" in valid.text
    assert "Emitido el 7 de octubre de 2021" in valid.text
    other = emulator.user(502, "fr")
    (valid_fr,) = await other.send(f"/verify {code[:4].lower()}-{code[4:8]} {code[8:]}")
    assert valid_fr.text.startswith("✅ Certificat valide\nNom\u00a0: Zoë N’Guessan")
    (unknown,) = await other.send("/verify AAAA-BBBB-CCCC-DDDD")
    assert unknown.text.startswith("❓ Aucun certificat ne porte le code AAAA-BBBB-CCCC-DDDD.")
    assert await bot.repo.participants.get(501) is None
    assert await bot.repo.participants.get(502) is None

    # Revoked, with a reason: audited, the holder told, and it verifies as revoked.
    (why,) = await organizer.send(f"/revokecert {code}")
    assert why.text.endswith("Send the reason for revoking this certificate in one message, "
                             "or /cancel.")
    (revoked,) = await organizer.send("Issued by mistake")
    assert revoked.text.startswith("⛔ Certificate ")
    await wait_for(emulator, lambda: zoe.last.text.startswith("⛔ The organizers have revoked"))
    assert zoe.last.text.endswith("Reason: Issued by mistake")
    assert await q(bot, "SELECT action, target FROM audit_log WHERE action LIKE 'certificate%'") \
        == [("certificates_issue", None), ("certificate_revoke", "301")]
    (checked,) = await stranger.send(f"/verify {code}")
    assert checked.text.startswith("⛔ Certificado revocado · revocado el 7 de octubre de 2021")
    (mine,) = await zoe.send("/certificate")
    assert "was revoked on October 7, 2021. Reason: Issued by mistake" in mine.text
    (unknown_en,) = await stranger.send("/verify")
    assert unknown_en.text.startswith("Envíe /verify seguido del código")


@pytest.mark.parametrize("who", ["participant", "limited facilitator", "organizer"])
async def test_who_may_see_issue_and_revoke(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, who: str
) -> None:
    ama = await participant(bot, emulator, 311, "en", "Côte d'Ivoire", "Ama", range(11))
    await bot.repo.certificates.confirm_name(311, "Ama", clock.now())
    kofi = await participant(bot, emulator, 312, "en", "Ghana", "Kofi", range(11))
    await bot.repo.certificates.confirm_name(312, "Kofi", clock.now())
    clock.set(AFTER)
    organizer = emulator.user(ORGANIZER_ID, "en")
    actor = {"participant": emulator.user(320, "en"), "organizer": organizer,
             "limited facilitator": emulator.user(321, "en")}[who]
    await onboard(actor, "English", "Ghana")
    await as_core(bot, actor)
    if who == "limited facilitator":
        await organizer.send("/grant facilitator 321 GH")
    await bot.join()

    (counts,) = await actor.send("/certificates")
    if who == "participant":
        assert counts.text == "Sorry, only facilitators and organizers can do that."
    elif who == "limited facilitator":
        assert "🇬🇭 Ghana: eligible 1" in counts.text and "Côte d'Ivoire" not in counts.text
        assert "All countries" not in counts.text and counts.button_texts() == []
    else:
        assert "Côte d'Ivoire: eligible 1" in counts.text and "All countries" in counts.text
        assert "🎓 Issue certificates (2)" in counts.button_texts()

    answers = len(actor.callback_answers)
    await actor.press_data("crt:m:go", expect=0 if who != "organizer" else 1)
    await bot.join()
    issued = await q(bot, "SELECT user_id FROM certificates ORDER BY user_id")
    if who == "organizer":
        assert issued == [(311,), (312,)]
    else:
        assert issued == []
        assert actor.callback_answers[answers]["text"] == "Sorry, only organizers can do that."
        await organizer.press_data("crt:m:go")
        await bot.join()
    code = (await q(bot, "SELECT code FROM certificates WHERE user_id = 311"))[0][0]
    (answer,) = await actor.send(f"/revokecert {code}")
    if who == "organizer":
        assert answer.text.startswith("✅ Valid certificate")
        await actor.send("Wrong person")
        assert await q(bot, f"SELECT status FROM certificates WHERE code = '{code}'") == [
            ("revoked",)]
    else:
        assert answer.text == "Sorry, only organizers can do that."
        assert await q(bot, f"SELECT status FROM certificates WHERE code = '{code}'") == [
            ("valid",)]
    await wait_for(emulator, lambda: bool(ama.messages) and bool(kofi.messages))


async def test_fifty_people_with_a_restart_midway_get_theirs_exactly_once(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    people = list(range(6000, 6050))
    organizer = emulator.user(ORGANIZER_ID, "en")

    def documents() -> dict[int, int]:
        return {uid: sum(1 for m in emulator.messages_to(uid) if m.document) for uid in people}

    async with run_bot() as bot:
        for uid in people:
            emulator.private_chat(emulator.user(uid, ("en", "es", "fr", "pt")[uid % 4]).json)
            await bot.repo.participants.ensure(uid, first_name=f"P{uid}", last_name=None,
                                               username=None, now=clock.now())
            await bot.repo.participants.update(uid, clock.now(),
                                               language=("en", "es", "fr", "pt")[uid % 4])
            await as_core(bot, uid)
            await attend(bot, uid, range(9))
            await bot.repo.certificates.confirm_name(uid, f"P{uid}", clock.now())
        clock.set(AFTER)
        bot.limiter.per_second = 15  # slow enough to stop half way
        await organizer.send("/certificates")
        await organizer.press("Issue certificates (50)")
        await organizer.press("Yes, issue them")
        await wait_for(emulator, lambda: sum(documents().values()) >= 12, timeout=20)
    first = sum(documents().values())
    assert 12 <= first < 50
    assert await q(bot, "SELECT COUNT(*) FROM certificates WHERE delivery = 'sending'") == [(0,)]

    async with run_bot() as bot:
        await wait_for(emulator, lambda: sum(documents().values()) >= 50, timeout=30)
        await bot.join()
        assert await q(bot, "SELECT delivery, COUNT(*) FROM certificates GROUP BY delivery") == [
            ("sent", 50)]
    assert set(documents().values()) == {1}
    # The organizer who issued them hears once, after the restart, about all fifty.
    reports = [m.text for m in organizer.messages if m.text.startswith("🎓 Certificates sent")]
    assert reports == ["🎓 Certificates sent: 50 delivered · 0 not delivered. /certificates "
                       "shows the totals."]


async def test_a_triple_tap_on_issue_sends_one_report(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await participant(bot, emulator, 311, "en", "Ghana", "Ama", range(9))
    await bot.repo.certificates.confirm_name(311, "Ama", clock.now())
    clock.set(AFTER)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/certificates")
    (asked,) = await organizer.press("Issue certificates (1)")
    for _ in range(3):  # on the question each time: a report that came first is not edited
        await organizer.press_data(asked.buttons()[0][0][1], message_id=asked.message_id,
                                   expect=0)  # a repeated tap may change nothing on screen

    def reports() -> list[str]:
        return [m.text for m in organizer.messages if m.text.startswith("🎓 Certificates sent")]

    await wait_for(emulator, lambda: bool(reports()), timeout=30)  # the PDF is drawn first
    await bot.join()
    await emulator.settle()
    assert reports() == ["🎓 Certificates sent: 1 delivered · 0 not delivered. /certificates "
                         "shows the totals."]
    assert await q(bot, "SELECT COUNT(*) FROM certificates") == [(1,)]


async def test_a_send_cut_off_by_a_crash_is_not_repeated(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as bot:
        for uid in (6101, 6102):
            emulator.private_chat(emulator.user(uid).json)
            await bot.repo.participants.ensure(uid, first_name=f"P{uid}", last_name=None,
                                               username=None, now=clock.now())
            await as_core(bot, uid)
            await attend(bot, uid, range(11))
            await bot.repo.certificates.confirm_name(uid, f"P{uid}", clock.now())
        clock.set(AFTER)
        bot.halt(DELIVER)  # the fan-out claims nothing: both stay pending
        assert await issue(bot.app, ORGANIZER_ID) == 2
        await bot.join()
        (code,) = (await q(bot, "SELECT code FROM certificates WHERE user_id = 6101"))[0]
        assert await bot.repo.certificates.claim(str(code))  # then the process "died"
    async with run_bot() as bot:
        await wait_for(emulator, lambda: bool(emulator.messages_to(6102)))
        await bot.join()
        assert await q(bot, "SELECT user_id, delivery FROM certificates ORDER BY user_id") == [
            (6101, "unknown"), (6102, "sent")]
    assert [m for m in emulator.messages_to(6101) if m.document] == []  # other news may arrive


async def test_asking_eligible_people_to_confirm_their_name_once(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    ana = await participant(bot, emulator, 331, "es", "Perú", "Ana", range(9))
    await participant(bot, emulator, 332, "es", "Perú", "Luis", range(3))
    clock.set(AFTER)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/certificates")
    mark = len(ana.messages)
    (told,) = await organizer.press("Ask to confirm the name (1)")
    assert told.text == "📨 Asking 1 person to confirm the name on their certificate."
    await wait_for(emulator, lambda: len(ana.messages) > mark)
    assert ana.last.text.startswith("🎓 Ha alcanzado el umbral del certificado")
    await ana.press("Sí, imprimir este nombre")
    assert ana.last.text.startswith("✅ Su certificado dirá: Ana.")
    (again,) = await organizer.send("/certificates")
    assert "Ask to confirm" not in " ".join(again.button_texts())
    assert not any("umbral" in m.text for m in emulator.messages_to(332))


@pytest.mark.parametrize("keep", [True, False])
async def test_forget_keeps_the_certificate_verifiable_only_if_asked(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, keep: bool
) -> None:
    zoe = await participant(bot, emulator, 341, "en", "Côte d'Ivoire", "Zoë", range(11))
    await bot.repo.certificates.confirm_name(341, "Zoë", clock.now())
    clock.set(AFTER)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await issue_all(organizer, bot, 1)
    (code,) = (await q(bot, "SELECT code FROM certificates"))[0]

    (question,) = await zoe.send("/forget")
    assert "You hold a certificate of completion" in question.text
    await zoe.press("Delete, keep my certificate verifiable" if keep
                    else "Delete all, revoke my certificate")
    assert await bot.repo.participants.get(341) is None
    assert await q(bot, "SELECT user_id FROM certificates") == [(None,)]
    (checked,) = await emulator.user(342, "en").send(f"/verify {code}")
    if keep:
        assert checked.text.startswith("✅ Valid certificate\nName: Zoë\n")
    else:
        assert checked.text.startswith("⛔ Revoked certificate · revoked on October 7, 2021\n"
                                       "Its holder's data was deleted at their request.")
        assert "Zoë" not in checked.text
        assert await q(bot, "SELECT name, file_id FROM certificates") == [(None, None)]


async def test_verify_works_for_strangers_when_registration_is_closed(
    run_bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    async with run_bot(registration="closed") as bot:
        stranger = emulator.user(351, "pt")
        (answer,) = await stranger.send("/verify 7K3M-9QXD-2HTB-W4PZ")
        assert answer.text.startswith("❓ Nenhum certificado tem o código 7K3M-9QXD-2HTB-W4PZ.")
        (link,) = await stranger.send("/start verify-7K3M9QXD2HTBW4PZ")
        assert link.text.startswith("❓ Nenhum certificado")
        assert await bot.repo.participants.get(351) is None  # checking registers nobody
        (other,) = await stranger.send("/certificate")
        assert "convite" in other.text  # everything else still needs an invitation


async def test_offline_commands_write_and_verify_without_a_token(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> None:
    async with run_bot() as bot:
        for uid, name in ((361, "Zoë N’Guessan"), (362, "João D’Ávila")):
            emulator.private_chat(emulator.user(uid).json)
            await bot.repo.participants.ensure(uid, first_name=name, last_name=None,
                                               username=None, now=clock.now())
            await bot.repo.participants.update(uid, clock.now(), country="CI")
            await as_core(bot, uid)
            await attend(bot, uid, range(10))
            await bot.repo.certificates.confirm_name(uid, name, clock.now())
        clock.set(AFTER)
        assert await issue(bot.app, ORGANIZER_ID) == 2
        await bot.join()
        (zoe, joao) = [r[0] for r in await q(bot, "SELECT code FROM certificates ORDER BY user_id")]
        assert await bot.repo.certificates.revoke(str(joao), "duplicate", ORGANIZER_ID, AFTER)
        database = bot.settings.database
        files = await emulator.user(ORGANIZER_ID, "en").send("/export certificates", expect=2)
        assert [m.document[0] for m in files if m.document] == [
            "certificates.csv", "certificates.xlsx"]
        register = list(csv.DictReader(
            files[0].document[1].decode("utf-8-sig").splitlines()))  # type: ignore[index]
        assert [(r["name"], r["country"], r["sessions attended"], r["hours"], r["status"],
                 r["revoke reason"], r["delivery"]) for r in register] == [
            ("João D’Ávila", "Côte d'Ivoire", "10", "26.0", "revoked", "duplicate", "sent"),
            ("Zoë N’Guessan", "Côte d'Ivoire", "10", "26.0", "valid", "", "sent")]
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(database_env(database), SCHEDULE_PATH=str(ROOT / "schedule.json"))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=120)

    out = tmp_path / "certificates"
    written = cli("certificates", "--output", str(out))
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == f"wrote 1 certificates to {out} (1 revoked, not written)"
    (only,) = out.iterdir()
    assert only.name == f"CI-core-Zoe-NGuessan-{zoe}.pdf"
    assert "Zoë N’Guessan" in pdf_text(only.read_bytes())
    assert only.read_bytes() == emulator.messages_to(361)[-1].document[1]  # type: ignore[index]

    valid = cli("verify", str(zoe).lower())
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.splitlines()[:2] == ["✅ Valid certificate", "Name: Zoë N’Guessan"]
    revoked = cli("verify", str(joao), "--lang", "fr")
    assert revoked.returncode == 1 and revoked.stdout.startswith("⛔ Certificat révoqué")
    unknown = cli("verify", "nonsense")
    assert unknown.returncode == 1 and unknown.stdout.startswith("❓ No certificate has the code")


async def test_a_telegram_name_that_cannot_print_is_asked_for(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    ana = await participant(bot, emulator, 371, "en", "Peru", "Ana 🌱", range(11))
    clock.set(AFTER)
    (screen,) = await ana.send("/certificate")
    assert screen.text.startswith("The certificate cannot print these characters: 🌱.")
    assert screen.button_texts() == ["✏️ Change the name"]
    await ana.press_data("crt:ok:" + rules.name_mark("Ana 🌱"), expect=0)  # forged: refused
    assert await bot.repo.certificates.confirmed_name(371) is None
    await ana.send("/certificate")
    await ana.press("Change the name")
    (shown,) = await ana.send("Ana Quispe")
    assert "\n\nAna Quispe\n\n" in shown.text
