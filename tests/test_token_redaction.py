"""The bot token never reaches a log line or a printed traceback (bot/redact.py).

tests/conftest.py also scans every log line of the whole run for the emulator's token."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import pytest

from bot import redact
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.conftest import TokenScan
from tests.helpers import ROOT, TOKEN

REJECTED = "7777777:AAH-valid-looking-but-wrong-secret"


async def test_requests_and_errors_are_logged_without_the_token(
    bot: Services, emulator: BotAPIEmulator, no_token_in_any_log_line: TokenScan,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        user = emulator.user(801, "en")
        await user.send("/start")  # httpx logs each request URL, which holds the token
        try:
            raise RuntimeError(f"request to {emulator.base_url}{TOKEN}/getMe failed")
        except RuntimeError:
            logging.getLogger("bot.test").exception("while talking to %s", TOKEN)
    lines = [r for r in caplog.records if "<redacted>" in r.getMessage()]
    assert any(r.name == "httpx" for r in lines), "the request lines are logged, redacted"
    assert any(r.name == "bot.test" and r.exc_text and "<redacted>/getMe" in r.exc_text
               for r in lines)
    assert not any(TOKEN.partition(":")[2] in (r.getMessage() + (r.exc_text or ""))
                   for r in caplog.records)
    assert no_token_in_any_log_line.leaks == []


async def test_a_rejected_token_is_not_printed_at_start(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    """A valid-looking token the API answers 401 to: ptb's InvalidToken message holds it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": REJECTED,
           "BOT_API_URL": emulator.base_url,
           "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
           "SCHEDULE_PATH": str(ROOT / "schedule.json")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 60)
    output = (stdout + stderr).decode()
    assert proc.returncode != 0
    assert "rejected" in output or "Unauthorized" in output, output[-2000:]
    assert REJECTED not in output and REJECTED.partition(":")[2] not in output


def test_json_log_lines_hold_no_token(no_token_in_any_log_line: TokenScan) -> None:
    """LOG_FORMAT=json formats the exception itself: it must see only the redacted text."""
    from pythonjsonlogger.json import JsonFormatter

    redact.install(TOKEN)  # as every start does (alone, this test runs no bot)

    try:
        raise RuntimeError(f"request to /bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.getLogger("bot.test").makeRecord(
            "bot.test", logging.ERROR, __file__, 1, "failed: %s", (TOKEN,), sys.exc_info())
    for formatter in (JsonFormatter(), logging.Formatter()):
        line = formatter.format(record)
        assert "<redacted>/getMe" in line, line
        assert TOKEN.partition(":")[2] not in line, line
