"""Settings: the environment contract and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_organizer_ids_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.setenv("ORGANIZER_IDS", "1, 2,3")
    monkeypatch.setenv("BOT_API_URL", "http://127.0.0.1:9000/bot")
    settings = load_settings(env_file=None)
    assert settings.organizer_ids == [1, 2, 3]
    assert settings.bot_file_url == "http://127.0.0.1:9000/file/bot"
    assert "1:abc" not in repr(settings)  # SecretStr is never printed


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    for name in ("ORGANIZER_IDS", "BOT_API_URL", "DATABASE_PATH", "DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(env_file=None)
    assert settings.organizer_ids == []
    assert str(settings.database_path) == "data/bot.sqlite3"
    assert settings.default_language == "en"
    assert settings.bot_api_url is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "ORGANIZER_IDS": "1,x"}, "ORGANIZER_IDS: "),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "DEFAULT_LANGUAGE": "de"},
         "DEFAULT_LANGUAGE: must be one of en, es, fr, pt"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "BOT_API_URL": "ftp://x"},
         "BOT_API_URL: must start with http:// or https://"),
    ],
)
def test_bad_settings_exit_with_one_line(env: dict[str, str], message: str, tmp_path: Path) -> None:
    # One bad value, one line (the schedule and catalogs are fine).
    clean = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
             "SCHEDULE_PATH": str(ROOT / "schedule.json")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={**clean, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    assert message in lines[0]


def test_check_reports_every_finding_a_missing_token_being_one(tmp_path: Path) -> None:
    """The schedule and catalog checks need no token; a missing one is one finding."""
    bad = tmp_path / "schedule.json"
    bad.write_text((ROOT / "schedule.json").read_text().replace("America/Lima", "Mars/Olympus"))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SCHEDULE_PATH": str(bad)},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: TELEGRAM_BOT_TOKEN is not set (environment or .env)",
        f"error: {bad}: countries[3].zone: unknown time zone 'Mars/Olympus'",
    ]


def test_settings_error_is_raised_in_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(env_file=None)


def test_check_command_passes_on_the_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:a"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_check_command_reports_a_bad_schedule(tmp_path: Path) -> None:
    bad = tmp_path / "schedule.json"
    bad.write_text((ROOT / "schedule.json").read_text().replace("America/Lima", "Mars/Olympus"))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:a",
             "SCHEDULE_PATH": str(bad)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {bad}: countries[3].zone: unknown time zone 'Mars/Olympus'"
    )
