"""Plain rules of operating the bot: error notices once an hour per kind, daily backup times
and pruning, fan-outs that stop taking recipients when the bot stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.delivery.fanout import fan_out
from bot.operations.jobs import next_backup, prune
from bot.operations.rules import ErrorLog
from bot.sender import Sender

T0 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)


def test_one_notice_per_error_kind_per_hour() -> None:
    log = ErrorLog()
    assert log.record("ZeroDivisionError", "message (/goals)", T0)
    assert log.record("KeyError", "callback_query", T0)  # another kind: told at once
    assert not log.record("ZeroDivisionError", "callback_query", T0 + timedelta(minutes=59))
    assert log.record("ZeroDivisionError", "job reminder:3:60", T0 + timedelta(minutes=60))
    assert log.seen("ZeroDivisionError") == 3
    assert [e.update_kind for e in log.recent][-1] == "job reminder:3:60"


def test_daily_backup_time_and_pruning(tmp_path: Path) -> None:
    assert next_backup(datetime(2021, 3, 24, 1, 59, tzinfo=UTC)) == datetime(
        2021, 3, 24, 2, 0, tzinfo=UTC)
    assert next_backup(datetime(2021, 3, 24, 2, 0, tzinfo=UTC)) == datetime(
        2021, 3, 25, 2, 0, tzinfo=UTC)
    for day in range(1, 10):
        (tmp_path / f"bot-2021-03-0{day}.sqlite3").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("kept")
    removed = prune(tmp_path, 3)
    assert len(removed) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bot-2021-03-07.sqlite3", "bot-2021-03-08.sqlite3", "bot-2021-03-09.sqlite3",
        "notes.txt"]


async def test_a_fan_out_takes_no_new_recipient_once_stopping() -> None:
    sender = Sender(concurrency=4)
    stopping = False
    sender.stopping = lambda: stopping
    done: list[int] = []

    async def deliver(item: int) -> None:
        nonlocal stopping
        done.append(item)
        if len(done) == 10:
            stopping = True  # SIGTERM arrives

    await fan_out(sender, list(range(100)), deliver)
    assert 10 <= len(done) < 10 + sender.concurrency  # only those already taken finish
