"""Shared data for the chart tests: a few people and check-ins whose figures are computed by
hand in tests/test_charts_rules.py, goal records, feedback answers, a viewer, the size of a
PNG; for the end-to-end tests, a staff member and a chart pressed in /stats."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from functools import cache

from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.i18n import I18n
from bot.models import Participant
from bot.services import Services
from bot.storage.attendance import Record
from bot.storage.feedback import FeedbackRow
from bot.storage.goals import Goal, Step
from bot.viewer import Viewer
from tests.helpers import ORGANIZER_ID

START = datetime(2021, 1, 1, tzinfo=UTC)
S = {n: datetime(2021, m, d, 14, tzinfo=UTC)
     for n, (m, d) in enumerate([(1, 20), (2, 3), (2, 17), (3, 24)])}
NOW = S[3] + timedelta(minutes=30)  # session 3 is running: its check-in is open


def person(uid: int, country: str | None, group: str = "core",
           joined: datetime = START) -> Participant:
    return Participant(uid, "en", country, None, group, f"P{uid}", None, None,  # type: ignore[arg-type]
                       "participant", True, True, START, START, joined_at=joined)


def record(uid: int, session: int, status: str) -> Record:
    return Record(uid, session, status, S[session], status, "button", S[session])


# a: GH core; b: GH core who joined after session 1 ended; c: GH wider (no core-only session);
# d: PE core, marked absent at session 0; e: core with no country.
PEOPLE = [person(1, "GH"), person(2, "GH", joined=datetime(2021, 2, 10, tzinfo=UTC)),
          person(3, "GH", "wider"), person(4, "PE"), person(5, None)]
RECORDS = [record(1, 0, "present"), record(1, 1, "late"), record(1, 3, "present"),
           record(2, 2, "present"),
           record(4, 0, "absent"), record(4, 1, "present"), record(4, 2, "late"),
           record(4, 3, "late"),
           record(5, 0, "present")]
CODES = ["GH", "CI", "CO", "PE", "BR", "DO"]


@cache
def _i18n() -> I18n:
    return I18n()


def view(lang: str = "en") -> Viewer:
    return Viewer(_i18n().get(lang), lang, "UTC")


def goal(gid: int, country: str, status: str) -> Goal:
    return Goal(gid, country, f"g{gid}", None, None, status, 1, START, START)  # type: ignore[arg-type]


def step(sid: int, gid: int, done: bool) -> Step:
    return Step(sid, gid, "s", None, None, None, done, None, START)


def answer(session: int, uid: int, country: str | None, rating: int,
           comment: str | None = None) -> FeedbackRow:
    return FeedbackRow(session, uid, country, "core", "en", rating, comment, S[3])


PNG = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert png.startswith(PNG) and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def staff(bot: Services, emulator: BotAPIEmulator, uid: int, lang: str,
                countries: str = "") -> FakeUser:
    """A facilitator in no group (limited to the given countries, if any)."""
    user = emulator.user(uid, lang, f"Staff{uid}")
    await user.send("/start")
    await bot.repo.participants.update(uid, bot.clock.now(), grp=None)  # staff only
    await emulator.user(ORGANIZER_ID, "en").send(f"/grant facilitator {uid} {countries}")
    await bot.join()  # the grant notice
    return user


async def picture(emulator: BotAPIEmulator, user: FakeUser, button: str) -> BotMessage:
    """Press a /stats button: one photo of the phone size comes back."""
    (photo,) = await user.press(button, timeout=30)  # drawing takes a moment on a busy machine
    assert photo.media == "photo", photo.text
    assert photo.file_id is not None
    assert png_size(emulator.files[photo.file_id].content) == (960, 1200)
    return photo
