"""Fair and private (issue 26): what each role is told about the closing review, feedback and
refusals, walked through as a participant of another country, a wider-group member, a
facilitator limited to another country and an organizer, in two languages; and the smaller
promises (names, messages, /correct words) one test each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.feedback.texts import question as ask
from bot.goals.export import goal_tables
from bot.parsing import parse_status
from bot.services import Services
from bot.storage.broadcast_records import Audience
from tests.goal_helpers import member, wait_for
from tests.helpers import ORGANIZER_ID

NAMES = {"GH": {"en": "Ghana", "pt": "Gana", "es": "Ghana", "fr": "Ghana"},
         "CI": {"en": "Côte d'Ivoire", "pt": "Costa do Marfim", "es": "Costa de Marfil",
                "fr": "Côte d'Ivoire"},
         "BR": {"en": "Brazil", "pt": "Brasil", "es": "Brasil", "fr": "Brésil"}}
ZONES = {"BR": "São Paulo"}
S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)


def tr(bot: Services, lang: str, msgid: str) -> str:
    return bot.viewer_for(lang, "UTC").tr.gettext(msgid)


def ntr(bot: Services, lang: str, one: str, many: str, n: int) -> str:
    return bot.viewer_for(lang, "UTC").tr.ngettext(one, many, n)


async def person(bot: Services, emulator: BotAPIEmulator, uid: int, lang: str, country: str,
                 group: str | None = "core", name: str = "Test") -> FakeUser:
    return await member(bot, emulator, uid, lang, NAMES[country][lang], group=group,
                        first_name=name, zone_button=ZONES.get(country))


async def limited_facilitator(bot: Services, emulator: BotAPIEmulator, uid: int, lang: str,
                              country: str = "GH") -> FakeUser:
    user = await person(bot, emulator, uid, lang, country, group=None, name="Gifty")
    await emulator.user(ORGANIZER_ID, "en").send(f"/grant facilitator {uid} {country}",
                                                 expect=1)
    await bot.join()
    return user


def alert_of(user: FakeUser) -> str:
    return str(user.callback_answers[-1]["text"])


# 1, 2 and the review walk ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "pt"])
async def test_review_answers_stay_private_until_the_group_closes(
    bot: Services, emulator: BotAPIEmulator, lang: str
) -> None:
    """Two Ivorian members; one has answered. Nobody else sees the value, or who: not the
    wider-group member, not the facilitator of Ghana, not a Ghanaian member, not the other
    Ivorian; staff see how many answered. The last answer asks first, then publishes."""
    ci1 = await person(bot, emulator, 501, "fr", "CI", name="Awa")
    ci2 = await person(bot, emulator, 502, "fr", "CI", name="Yao")
    kofi = await person(bot, emulator, 503, lang, "GH", name="Kofi")
    joao = await person(bot, emulator, 504, lang, "BR", group="wider", name="João")
    gifty = await limited_facilitator(bot, emulator, 505, lang)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await bot.repo.participants.update(ORGANIZER_ID, bot.clock.now(), language=lang)
    goal = await bot.repo.goals.add_goal("CI", "Objectif 1", None, None, 1, bot.clock.now())
    await bot.repo.goals.open_review(ORGANIZER_ID, bot.clock.now())

    (screen,) = await ci1.send("/review")
    # The screen says from the start when the review closes.
    assert "quand tous les membres ont répondu pour tous les objectifs" in screen.text
    (screen,) = await ci1.press("1 ❌", message=screen)
    assert "Votre réponse\u00a0: ❌ Non atteint" in screen.text

    answered = tr(bot, lang, "A core member answered the closing review")
    not_achieved = tr(bot, lang, "Not achieved")
    for viewer in (joao, gifty, kofi):  # history: that a member answered, never who or what
        (history,) = await viewer.press_data(f"g:h:{goal}")
        assert answered in history.text, viewer.id
        assert not_achieved not in history.text and "Awa" not in history.text, viewer.id
    (other,) = await ci2.send("/review")  # the other member sees only their own answers
    assert "Non atteint" not in other.text.split("Objectif 1")[1].split("Réponses")[0]

    # Staff: how many answered, no figures. The facilitator of Ghana is refused by name.
    (status,) = await organizer.send("/review")
    (staff_screen,) = await organizer.press("CI", message=status)
    assert ntr(bot, lang, "Answers so far: {answered} of {members} member",
               "Answers so far: {answered} of {members} members", 2).format(
        answered=1, members=2) in staff_screen.text
    assert not_achieved not in staff_screen.text.split("\n", 3)[3].split("1. ")[1]
    assert tr(bot, lang, "Answers are private: nobody but the member sees their own answers. "
              "When a group's review closes, its figures are published; individual answers "
              "are only in the organizers' export.") in staff_screen.text
    (gh_status,) = await gifty.send("/review")
    assert gh_status.button_texts()[:1] == ["GH"]  # only the countries they follow
    assert await gifty.press_data("g:rv:CI", expect=0) == []
    assert alert_of(gifty) == tr(
        bot, lang, "Sorry, you can follow and close the closing review only for {countries}."
    ).format(countries=NAMES["GH"][lang])
    assert await kofi.press_data("g:rv:CI", expect=0) == []  # a member of another country
    assert alert_of(kofi) == tr(
        bot, lang, "Sorry, only the core group of {country} and the facilitators can change "
        "these goals.").format(country=NAMES["CI"][lang])

    # /goals says who sees the answers.
    (goals,) = await joao.send("/goals CI")
    assert tr(bot, lang, "Answers are private: nobody but the member sees their own answers. "
              "When a group's review closes, its figures are published; individual answers "
              "are only in the organizers' export.") in goals.text

    # Yao's answer would close the review: asked first; nothing stored, nothing published.
    (screen,) = await ci2.send("/review")
    (confirm,) = await ci2.press("1 🌓", message=screen)
    assert confirm.text.splitlines()[-1] == (
        "Cela clôture le bilan (🇨🇮 Côte d'Ivoire) et publie le résultat\u00a0: plus aucune "
        "réponse n'est acceptée ensuite, y compris les vôtres.")
    assert await bot.repo.goals.closed_reviews() == {}
    (back,) = await ci2.press("« Retour", message=confirm)  # changing one's mind is fine
    assert "1 🌓" in back.button_texts()
    (confirm,) = await ci2.press("1 🌓", message=back)
    closed, _results = await ci2.press("Oui, clôturer et publier", message=confirm, expect=2)
    assert "25\u00a0% atteint" in closed.text  # (0 + 0.5) / 2, the group's figures
    # Published as the group's figures; still no one's answer in the history.
    await wait_for(emulator, lambda: any("🇨🇮" in m.text and "25" in m.text
                                         for m in organizer.messages))
    (history,) = await joao.press_data(f"g:h:{goal}")
    assert not_achieved not in history.text and "Awa" not in history.text
    # Individual answers: the organizers' export only.
    tables = {name: rows for name, _h, rows in await goal_tables(bot.repo, bot.schedule)}
    assert sorted(r[3] for r in tables["reviews"]) == ["not_achieved", "partly"]


# 3 and the feedback walk --------------------------------------------------------------------


async def _answers(bot: Services) -> None:
    """Session 3: three from Côte d'Ivoire, one from Ghana, two from Peru (each with a
    comment)."""
    answers = [(601, "CI", "fr", 5, "Très utile"), (602, "CI", "fr", 4, "Bien"),
               (603, "CI", "fr", 3, "Trop court"), (604, "GH", "en", 1, "Kofi's view"),
               (605, "PE", "es", 2, "Regular"), (606, "PE", "es", 4, "Bueno")]
    for i, (uid, country, lang, rating, comment) in enumerate(answers):
        at = S3 + timedelta(hours=4, minutes=i)
        await bot.repo.feedback.rate(uid, 3, rating, country=country, group="core",
                                     language=lang, now=at)
        await bot.repo.feedback.comment(uid, 3, comment, at)


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_feedback_figures_and_comments_name_nobody(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, lang: str
) -> None:
    kofi = await person(bot, emulator, 611, lang, "GH", name="Kofi")
    wider = await person(bot, emulator, 612, lang, "BR", group="wider", name="João")
    gifty = await limited_facilitator(bot, emulator, 613, lang)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await bot.repo.participants.update(ORGANIZER_ID, clock.now(), language=lang)
    clock.set(S3 + timedelta(hours=5))
    await _answers(bot)

    refused = tr(bot, lang, "Sorry, only facilitators and organizers can do that.")
    for user in (kofi, wider):
        (reply,) = await user.send("/feedback 3")
        assert reply.text == refused

    # Ghana alone has one answer: only the count, no figure, no comment.
    (gh,) = await gifty.send("/feedback 3")
    assert ntr(bot, lang,
               "{n} answer so far. Figures and comments show from {min} answers on, so that no "
               "answer can be traced to a person.",
               "{n} answers so far. Figures and comments show from {min} answers on, so that no "
               "answer can be traced to a person.", 1).format(n=1, min=3) in gh.text
    assert "Kofi" not in gh.text and "★" not in gh.text
    (ci,) = await gifty.send("/feedback 0 CI")
    assert ci.text == tr(bot, lang, "Sorry, you can read session feedback only from "
                         "{countries}.").format(countries=NAMES["GH"][lang])

    # The organizer: Côte d'Ivoire apart (3 answers); Ghana and Peru folded into "other
    # countries" (1 + 2 = 3), their comments without flag or language; no city anywhere.
    (text,) = await organizer.send("/feedback 3")
    by_country = text.text.split(tr(bot, lang, "By country") + "\n")[1].split("\n\n")[0]
    assert len(by_country.splitlines()) == 2
    assert by_country.splitlines()[0].startswith("🇨🇮 ")
    assert by_country.splitlines()[1].startswith(tr(bot, lang, "Other countries"))
    assert "🇬🇭" not in text.text and "🇵🇪" not in text.text
    comments = text.text.split(tr(bot, lang, "Comments, newest first") + "\n")[1].splitlines()
    tags = [line for line in comments if "★" in line]
    assert [t.startswith("[fr] 🇨🇮 ") for t in tags] == [False, False, False, True, True, True]
    assert not any("[en]" in t or "[es]" in t for t in tags)
    assert tr(bot, lang, "“{text}”").format(text="Kofi's view") in comments
    for city in ("Abidjan", "Accra", "Lima"):
        assert city not in text.text

    # The question says who will see the answers.
    question = bot.viewer_for(lang, "UTC")
    session = bot.schedule.session(3)
    assert session is not None
    assert ntr(bot, lang, "Who sees your answer: the facilitators and organizers, without your "
               "name; your country's figures and comments only once it has at least {min} "
               "answer.", "Who sees your answer: the facilitators and organizers, without "
               "your name; your country's figures and comments only once it has at least "
               "{min} answers.", 3).format(min=3) in ask(question, bot.schedule, session)


# 4: one refusal, naming the action and the countries ---------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_one_refusal_names_the_action_and_the_countries(
    bot: Services, emulator: BotAPIEmulator, lang: str
) -> None:
    kofi = await person(bot, emulator, 621, lang, "GH", name="Kofi")
    wider = await person(bot, emulator, 622, lang, "BR", group="wider", name="João")
    gifty = await limited_facilitator(bot, emulator, 623, lang)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await bot.repo.participants.update(ORGANIZER_ID, bot.clock.now(), language=lang)
    ghana = NAMES["GH"][lang]
    core_only = tr(bot, lang, "Sorry, only the core group of {country} and the facilitators "
                   "can change these goals.").format(country=NAMES["CI"][lang])
    staff_only = tr(bot, lang, "Sorry, only facilitators and organizers can do that.")
    expected = {
        gifty: {
            "/addgoal CI": tr(bot, lang, "Sorry, you can change goals only for {countries}."),
            "/coaching CI": tr(bot, lang, "Sorry, you can arrange coaching only for "
                               "{countries}."),
            "/feedback 0 CI": tr(bot, lang, "Sorry, you can read session feedback only from "
                                 "{countries}."),
            "/people CI": tr(bot, lang, "Sorry, you can see the people only of {countries}."),
        },
        kofi: {"/addgoal CI": core_only, "/coaching CI": staff_only,
               "/feedback 0 CI": staff_only},
        wider: {"/addgoal CI": core_only, "/feedback 0 CI": staff_only},
    }
    for user, attempts in expected.items():
        for command, refusal in attempts.items():
            before = await bot.repo.goals.goals("CI")
            (reply,) = await user.send(command)
            assert reply.text == refusal.format(countries=ghana), (user.id, command)
            assert await bot.repo.goals.goals("CI") == before
    assert await gifty.press_data("g:rv:CI", expect=0) == []
    assert alert_of(gifty) == tr(bot, lang, "Sorry, you can follow and close the closing "
                                 "review only for {countries}.").format(countries=ghana)
    # The organizer may: the new-goal form starts.
    (form,) = await organizer.send("/addgoal CI")
    assert form.text != staff_only and "Sorry" not in form.text


# 5: names ----------------------------------------------------------------------------------


async def test_staff_read_the_profile_name_everywhere(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    joao = await person(bot, emulator, 631, "pt", "BR", name="Test")
    await bot.repo.participants.update(631, bot.clock.now(),
                                       display_name="João D'Ávila da Conceição")
    goal = await bot.repo.goals.add_goal("BR", "Meta", None, None, 631, bot.clock.now())
    await bot.repo.goals.set_status(goal, "in_progress", 631, bot.clock.now())
    tables = {name: rows for name, _h, rows in await goal_tables(bot.repo, bot.schedule)}
    assert "João D'Ávila da Conceição" in tables["goals"][0]  # created_by
    assert {r[3] for r in tables["history"] if r[4] == 631} == {"João D'Ávila da Conceição"}
    organizer = emulator.user(ORGANIZER_ID, "pt")
    await organizer.send("/start")
    await bot.repo.participants.update(ORGANIZER_ID, bot.clock.now(), language="pt")
    (history,) = await organizer.press_data(f"g:h:{goal}")
    assert "João D&#x27;Ávila" not in history.text and "João D'Ávila da Conceição" in history.text
    assert "Test" not in history.text
    (granted,) = await organizer.send("/grant facilitator 631 BR")
    assert granted.text.startswith("João D'Ávila da Conceição ")
    assert "631" not in granted.text
    del joao


async def test_broadcasts_show_the_full_audience(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    gifty = await limited_facilitator(bot, emulator, 641, "en")
    now = bot.clock.now()
    draft = await bot.repo.broadcasts.create_draft(641, now)
    await bot.repo.broadcasts.set_audience(draft, Audience(groups=frozenset({"core"})))
    await bot.repo.broadcasts.add_version(draft, None, 641, 1)
    assert await bot.repo.broadcasts.schedule(draft, now + timedelta(days=1))
    (listing,) = await gifty.send("/broadcasts")
    assert "👥 core group · Ghana" in listing.text.splitlines()


# 6: messages that promise only what is there ----------------------------------------------


async def test_schedule_points_a_wider_member_to_a_session_of_theirs(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    wider = await person(bot, emulator, 651, "pt", "BR", group="wider", name="João")
    (text,) = await wider.send("/schedule")
    last = text.text.splitlines()[-1]
    assert last == "Detalhes de uma sessão, por exemplo: /session 6"  # open to all
    session = bot.schedule.session(int(last.rsplit(" ", 1)[1]))
    assert session is not None and session.audience == "all"


async def test_an_invitation_expiry_shows_its_time_zone(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "pt")
    await organizer.send("/start")
    await bot.repo.participants.update(ORGANIZER_ID, bot.clock.now(), language="pt")
    (invite,) = await organizer.send("/invite core BR 3 14")
    assert "(UTC)" in invite.text or "horário" in invite.text, invite.text
    (listing,) = await organizer.send("/invites")
    assert "(UTC)" in listing.text or "horário" in listing.text, listing.text


# 8: /correct in the four languages ---------------------------------------------------------


def test_status_words_of_the_four_languages() -> None:
    words = {"present": ["present", "Présent", "PRÉSENTE", "presente", "presente"],
             "absent": ["absent", "absente", "Ausente", "AUSENTE", "faltou"],
             "late": ["late", "Atrasado", "atrasada", "en retard", "En Retard", "con retraso",
                      "com atraso", "retrasada"]}
    for status, typed in words.items():
        for word in typed:
            assert parse_status([*word.split(), "because"]) == (status, len(word.split())), word
    for wrong in (["presentes"], ["aus"], ["en"], ["late2"], []):
        assert parse_status(wrong) is None, wrong


async def test_correct_accepts_french_feminine_and_two_words(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    ines = await person(bot, emulator, 661, "fr", "CI", name="Inès")
    gifty = await limited_facilitator(bot, emulator, 662, "fr", "CI")
    clock.set(S3 + timedelta(hours=1))
    (done,) = await gifty.send("/correct 3 661 présente connexion coupée")
    assert "présent" in done.text and "connexion coupée" in done.text
    assert (await bot.repo.attendance.get(661, 3)).status == "present"  # type: ignore[union-attr]
    (late,) = await gifty.send("/correct 3 661 en retard arrivée à 14 h 20")
    assert (await bot.repo.attendance.get(661, 3)).status == "late"  # type: ignore[union-attr]
    assert "arrivée à 14 h 20" in late.text
    del ines
