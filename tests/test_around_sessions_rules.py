"""Around each session, the plain parts: join links in schedule.json, calendar files (RFC 5545,
read back with icalendar), versions of a session, materials rules and feedback figures."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.calendar import Event, ics, uid
from bot.feedback.rules import may_answer, summarize
from bot.i18n import I18n
from bot.materials.rules import link_from, may_remove
from bot.membership import Member
from bot.schedule import ScheduleError, parse_schedule
from bot.sessions import rules as versions
from bot.sessions.ics import session_event
from bot.storage.attendance import Record
from bot.storage.feedback import FeedbackRow
from bot.storage.materials import Material
from bot.storage.sessions import Version
from bot.viewer import Viewer
from tests.helpers import ROOT

T0 = datetime(2021, 3, 20, 12, 0, tzinfo=UTC)
ZOOM = "https://zoom.us/j/123456789?pwd=abc"


def data() -> dict:  # type: ignore[type-arg]
    return json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))


def four(text: str) -> dict[str, str]:
    return {lang: f"{text} ({lang})" for lang in ("en", "es", "fr", "pt")}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["sessions"][3].update(meeting_link="zoom.us/j/1"),
         "schedule.json: sessions[3].meeting_link: not a web link (https://...): 'zoom.us/j/1'"),
        (lambda d: d["sessions"][3].update(meeting_link="https://zoom.us/j/1 pwd"),
         "schedule.json: sessions[3].meeting_link: not a web link"),
        (lambda d: d["meeting"].update(link="ftp://files.example.org/x"),
         "schedule.json: meeting.link: not a web link (https://...): 'ftp://files.example.org/x'"),
        (lambda d: d["sessions"][3].update(meeting_info={"en": "Passcode 1"}),
         "schedule.json: sessions[3].meeting_info: missing language 'es', 'fr', 'pt'"),
        (lambda d: d["after_session"]["closing_question"].pop("pt"),
         "schedule.json: after_session.closing_question: missing language 'pt'"),
        (lambda d: d["program"].update(slug="SSKE 2021"),
         "schedule.json: program.slug: String should match pattern"),
    ],
)
def test_links_and_texts_are_validated(mutate, expected) -> None:  # type: ignore[no-untyped-def]
    raw = data()
    mutate(raw)
    with pytest.raises(ScheduleError) as err:
        parse_schedule(raw)
    assert str(err.value).startswith(expected)


def test_check_command_reports_a_bad_join_link(tmp_path: Path) -> None:
    bad = tmp_path / "schedule.json"
    raw = data()
    raw["sessions"][5]["meeting_link"] = "https//zoom.us/j/5"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:a",
             "SCHEDULE_PATH": str(bad)},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {bad}: sessions[5].meeting_link: not a web link (https://...): "
        "'https//zoom.us/j/5'")


def test_the_program_link_is_the_default_and_a_session_link_wins() -> None:
    raw = data()
    raw["meeting"] = {"link": ZOOM, "info": four("Passcode 2021")}
    raw["sessions"][4].update(meeting_link="https://meet.example.org/s4",
                              meeting_info=four("Dial +1 555 0100"))
    raw["sessions"][5].update(meeting_link="https://meet.example.org/s5")
    schedule = parse_schedule(raw)
    s3, s4, s5 = (schedule.session(n) for n in (3, 4, 5))
    assert s3 and s4 and s5
    assert schedule.join_link(s3) == ZOOM
    assert schedule.join_info(s3, "es") == "Passcode 2021 (es)"
    assert (schedule.join_link(s4), schedule.join_info(s4, "fr")) == (
        "https://meet.example.org/s4", "Dial +1 555 0100 (fr)")
    # its own link without its own text: the program's passcode is not for that room
    assert (schedule.join_link(s5), schedule.join_info(s5, "en")) == (
        "https://meet.example.org/s5", "")
    assert schedule.slug == "sske-cocoa-2021"
    raw["program"].pop("slug")
    assert parse_schedule(raw).slug.endswith("-2021")


def test_the_current_schedule_has_no_links_and_validates() -> None:
    schedule = parse_schedule(data())
    assert all(schedule.join_link(s) is None for s in schedule.sessions)
    assert all(s.send_materials and s.ask_feedback for s in schedule.sessions)
    assert schedule.closing.number == 10
    assert "SSKE" in schedule.after_session.closing_question["fr"]


def test_a_calendar_file_follows_rfc_5545_and_reads_back() -> None:
    long = "Cocoa; agroforestry, finance \\ partnerships " * 4
    events = [
        Event(uid=uid("session", 3, "sske-cocoa-2021"),
              start=datetime(2021, 3, 24, 9, 0, tzinfo=ZoneInfo("America/Lima")),
              end=datetime(2021, 3, 24, 17, 0, tzinfo=UTC), title="Sesión 3: diseño, PPP; ok",
              description=long + "\nsecond line", url=ZOOM, sequence=2),
        Event(uid="coaching-7@sske-cocoa-2021", start=T0, end=T0 + timedelta(hours=1),
              title="Coaching", alarm=None),
    ]
    raw = ics(events, T0, name="SSKE")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded
    assert b"PRODID:-//SSKE cocoa program bot//EN" in raw and b"VERSION:2.0" in raw
    assert b"SUMMARY:Sesi\xc3\xb3n 3: dise\xc3\xb1o\\, PPP\\; ok" in raw  # escaped
    cal = Calendar.from_ical(raw)
    first, second = cal.walk("VEVENT")
    assert str(first["uid"]) == "session-3@sske-cocoa-2021"
    assert first.decoded("dtstart") == datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
    assert first["dtstart"].to_ical() == b"20210324T140000Z"
    assert first.decoded("dtstamp") == T0
    assert int(first["sequence"]) == 2
    assert str(first["description"]) == long + "\nsecond line"
    assert (str(first["url"]), str(first["location"])) == (ZOOM, ZOOM)
    (alarm,) = first.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-1)
    assert str(alarm["action"]) == "DISPLAY"
    assert not second.walk("VALARM") and "url" not in second


def test_a_session_event_speaks_the_viewer_language() -> None:
    raw = data()
    raw["meeting"] = {"link": ZOOM, "info": four("Código 2021")}
    schedule = parse_schedule(raw)
    session = schedule.session(3)
    assert session is not None
    es = Viewer(I18n().get("es"), "es", "America/Lima")
    event = session_event(es, schedule, session, 1, with_link=True)
    assert event.title.startswith("Sesión 3: ")
    assert "Objetivos" in event.description and ZOOM in event.description
    assert "Código 2021 (es)" in event.description and event.url == ZOOM
    hidden = session_event(es, schedule, session, 1, with_link=False)
    assert hidden.url is None and ZOOM not in hidden.description
    assert hidden.uid == event.uid == "session-3@sske-cocoa-2021"


def test_a_session_version_rises_with_each_move_or_new_link() -> None:
    schedule = parse_schedule(data())
    s3 = schedule.session(3)
    assert s3 is not None
    start = s3.start
    assert versions.change(Version(3, start, None, 0), schedule, s3) is None
    moved = versions.change(Version(3, start - timedelta(days=7), None, 0), schedule, s3)
    assert moved is not None and (moved.moved, moved.relinked, moved.sequence) == (
        True, False, 1)
    relinked = versions.change(Version(3, start, "https://old.example.org", 4), schedule, s3)
    assert relinked is not None and relinked.sequence == 5
    raw = data()
    raw["sessions"][3]["meeting_link"] = ZOOM
    linked = parse_schedule(raw)
    s3 = linked.session(3)
    assert s3 is not None
    change = versions.change(Version(3, start, None, 0), linked, s3)
    assert change is not None
    assert not versions.announce_link(change, start - timedelta(hours=25))
    assert versions.announce_link(change, start - timedelta(hours=23))
    assert versions.announce_link(change, start + timedelta(hours=1))  # running
    assert not versions.announce_link(change, s3.end)


def _member(user_id: int, role: str = "facilitator", scope: frozenset[str] | None = None
            ) -> Member:
    return Member(user_id, None, "GH", role, scope, None)  # type: ignore[arg-type]


def test_materials_rules() -> None:
    assert link_from("Recording https://youtu.be/x1 (part 1)", ["https://youtu.be/x1"]) == (
        "https://youtu.be/x1", "Recording (part 1)")
    assert link_from("Slides", ["https://drive.example.org/f"]) == (
        "https://drive.example.org/f", "Slides")
    assert link_from("see youtu.be/x1", []) is None
    item = Material(1, 3, "document", "F1", "slides.pdf", None, "", 601, T0)
    assert may_remove(_member(601, scope=frozenset({"GH"})), item)  # their own
    assert not may_remove(_member(602, scope=frozenset({"GH"})), item)
    assert may_remove(_member(603), item)  # every country
    assert not may_remove(_member(601, role="participant", scope=frozenset()), item)


def _row(rating: int, country: str | None, minutes: int, comment: str | None = None
         ) -> FeedbackRow:
    return FeedbackRow(3, rating, country, "core", "en", rating, comment,
                       T0 + timedelta(minutes=minutes))


def test_feedback_figures() -> None:
    rows = [_row(5, "GH", 1, "great"), _row(4, "GH", 2), _row(2, "PE", 3, "too long"),
            _row(3, None, 4), _row(5, "XX", 5)]
    s = summarize(rows, ["GH", "CI", "PE"])
    assert (s.count, s.mean) == (5, pytest.approx(19 / 5))
    assert s.distribution == {1: 0, 2: 1, 3: 1, 4: 1, 5: 2}
    assert [(f.country, f.count, f.mean) for f in s.by_country] == [
        ("GH", 2, 4.5), ("PE", 1, 2.0), (None, 2, 4.0)]
    assert [c.text for c in s.comments] == ["too long", "great"]  # newest first
    empty = summarize([], ["GH"])
    assert (empty.count, empty.mean, empty.by_country) == (0, None, [])


def test_feedback_figures_fold_small_countries() -> None:
    """From 3 answers on a country is shown apart; fewer fold into "other countries", which
    shows only from 3 answers on; below 3 in all, only the count."""
    rows = [_row(5, "GH", 1, "great"), _row(4, "GH", 2), _row(4, "GH", 3),
            _row(2, "PE", 4, "too long"), _row(3, "CI", 5), _row(1, "CI", 6, "no")]
    s = summarize(rows, ["GH", "CI", "PE"], 3)
    assert [(f.country, f.count) for f in s.by_country] == [("GH", 3), (None, 3)]
    assert [(c.country, c.language, c.text) for c in s.comments] == [
        (None, None, "no"), (None, None, "too long"), ("GH", "en", "great")]
    alone = summarize(rows[:1] + rows[3:4], ["GH", "PE"], 3)
    assert (alone.count, alone.mean, alone.by_country, alone.comments) == (2, None, [], [])
    two = summarize(rows[:3] + rows[3:4], ["GH", "PE"], 3)  # Peru alone is too few to show
    assert [(f.country, f.count) for f in two.by_country] == [("GH", 3)]
    assert [c.text for c in two.comments] == ["great"]


def test_who_may_answer_the_feedback_question() -> None:
    schedule = parse_schedule(data())
    s3 = schedule.session(3)
    assert s3 is not None
    here = Record(1, 3, "late", T0, "late", "button", T0)
    absent = Record(1, 3, "absent", None, None, None, T0)
    assert may_answer(s3, here, s3.end) == "ok"
    assert may_answer(s3, here, s3.end - timedelta(minutes=1)) == "not_ended"
    assert may_answer(s3, absent, s3.end) == "not_checked_in"
    assert may_answer(s3, None, s3.end) == "not_checked_in"
    assert may_answer(None, here, s3.end) == "unknown"
    raw = copy.deepcopy(data())
    raw["sessions"][3]["ask_feedback"] = False
    off = parse_schedule(raw).session(3)
    assert may_answer(off, here, s3.end) == "off"
