"""/stats → ⭐ Session feedback through the emulator: people of Ghana and Côte d'Ivoire answer
the real feedback question after two sessions; the organizer's chart counts both countries, a
facilitator limited to Ghana counts Ghana's answers only, a participant is refused; comments
never reach the caption."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.jobs import fire_due
from bot.schedule import Schedule
from bot.services import Services
from tests.chart_helpers import picture, staff
from tests.helpers import ORGANIZER_ID, as_core, onboard, schedule_with_min_answers


@pytest.fixture
def schedule() -> Schedule:
    """Figures of one or two answers are read here: the anonymity minimum is 1
    (tests/test_fair_private.py checks the minimum of 3)."""
    return schedule_with_min_answers(1)


GH = {101: "en", 102: "en", 103: "en"}
CI = {201: "fr", 202: "fr"}
RATINGS = {  # session -> user -> rating (who checked in); the clock starts before session 3
    3: {101: 5, 102: 4, 103: 2, 201: 3, 202: 1},
    4: {101: 5, 102: 5, 201: 3},
}
BUTTON = "⭐ Session feedback"


async def rate_sessions(bot: Services, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    users: dict[int, FakeUser] = {}
    for uid, lang in GH.items():
        users[uid] = emulator.user(uid, lang, f"G{uid}")
        await onboard(users[uid], "English", "Ghana")
    for uid, lang in CI.items():
        users[uid] = emulator.user(uid, lang, f"C{uid}")
        await onboard(users[uid], "Français", "Côte d'Ivoire")
    await as_core(bot, *users.values())
    for number, ratings in RATINGS.items():
        session = bot.schedule.session(number)
        assert session is not None
        clock.set(session.start + timedelta(minutes=5))
        for uid in ratings:
            await bot.repo.attendance.check_in(uid, number, "present", "button", clock.now())
        clock.set(session.end + timedelta(minutes=1))
        await fire_due(bot.app, clock)  # the feedback question goes to those who checked in
        await bot.join()
        for uid, rating in ratings.items():
            (question,) = [m for m in users[uid].messages
                           if any(data == f"fb:r:{number}:{rating}"
                                  for row in m.buttons() for _, data in row)]
            await users[uid].press(str(rating), message=question)
    await users[101].send("Secret words about session 4")  # the comment asked after a rating


async def test_feedback_chart_within_each_staff_members_countries(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await rate_sessions(bot, emulator, clock)
    stored = {(r.session, r.user_id): (r.rating, r.country)
              for r in await bot.repo.feedback.ratings()}
    assert stored[(4, 101)] == (5, "GH") and stored[(3, 202)] == (1, "CI") and len(stored) == 8

    organizer = emulator.user(ORGANIZER_ID, "en")
    gifty = await staff(bot, emulator, 401, "en", "GH")
    participant = emulator.user(101)
    cases: list[tuple[str, FakeUser, list[str] | str]] = [
        ("organizer: Ghana and Côte d'Ivoire", organizer, [
            "Overall: 3.5 of 5 from 8 answers; 50% rated 4 or 5.",
            "Latest: Session 4 (Apr 14), 4.3 of 5 from 3 answers.",
            "Highest rated: Session 4 (Apr 14), 4.3 of 5 from 3 answers.",
            "Lowest rated: Session 3 (Mar 24), 3.0 of 5 from 5 answers.",
        ]),
        ("facilitator limited to Ghana", gifty, [
            "Overall: 4.2 of 5 from 5 answers; 80% rated 4 or 5.",
            "Latest: Session 4 (Apr 14), 5.0 of 5 from 2 answers.",
            "Highest rated: Session 4 (Apr 14), 5.0 of 5 from 2 answers.",
            "Lowest rated: Session 3 (Mar 24), 3.7 of 5 from 3 answers.",
        ]),
        ("participant", participant,
         "Sorry, only facilitators and organizers can do that."),
    ]
    for who, user, expected in cases:
        if isinstance(expected, str):  # refused: no menu, and the button is refused too
            (refused,) = await user.send("/stats")
            assert refused.text == expected, who
            await user.press_data("st:feedback", expect=0)
            assert user.callback_answers[-1]["text"] == expected, who
            continue
        (menu,) = await user.send("/stats")
        assert menu.button_texts()[-1] == BUTTON, who
        photo = await picture(emulator, user, BUTTON)
        lines = photo.text.splitlines()
        assert lines[0] == "Session feedback" and lines[3:] == expected, who
        assert photo.html is not None and photo.html.startswith("<b>Session feedback</b>\n")
        assert "Secret" not in photo.text, who
    assert not any(m.media == "photo" for m in participant.messages)
