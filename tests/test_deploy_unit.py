"""deploy/: the systemd unit, its settings file and the command wrapper that
docs/organizers.md tells organizers to install."""

from __future__ import annotations

import configparser
import getpass
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "sske-bot.service"
ENV = DEPLOY / "sske-bot.env"
NOT_SETTINGS = {"MPLCONFIGDIR"}  # read by matplotlib, not by the bot


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys keep their case
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def env_names(text: str) -> list[str]:
    """NAME of every `NAME=value` line, also the commented-out examples (`# NAME=...`)."""
    return re.findall(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)


def test_the_unit_runs_python_m_bot_with_restart_and_a_data_folder() -> None:
    service = unit()["Service"]
    assert unit().sections() == ["Unit", "Service", "Install"]
    command = service["ExecStart"].split()
    assert Path(command[0]).is_absolute() and command[0].endswith("/.venv/bin/python")
    assert command[1:] == ["-m", "bot"]
    assert Path(service["WorkingDirectory"]) == Path(command[0]).parent.parent.parent
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # a bad setting: exit 2 (bot/__main__.py)
    assert service["EnvironmentFile"] == "/etc/sske-bot/env"
    assert service["StateDirectory"] == "sske-bot"
    assert service["User"] == "sske-bot"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_every_variable_the_unit_and_its_settings_file_name_is_a_setting() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    environment = [item.split("=", 1)[0] for item in unit()["Service"]["Environment"].split()]
    assert set(environment) - NOT_SETTINGS <= settings
    named = env_names(ENV.read_text(encoding="utf-8"))
    assert {"TELEGRAM_BOT_TOKEN", "ORGANIZER_IDS", "REGISTRATION", "DATABASE_PATH",
            "BACKUP_DIR", "DATABASE_URL", "EARLIER_COHORTS"} <= set(named)
    assert set(named) <= settings, set(named) - settings
    # As shipped (token still empty) the file is valid, with registration closed and the
    # data in the service's folder.
    found = load_settings(env_file=str(ENV), require_token=False)
    assert found.registration == "closed"
    assert found.database == Path("/var/lib/sske-bot/bot.sqlite3")
    assert found.backup_dir == Path("/var/lib/sske-bot/backups")
    state = Path("/var/lib") / unit()["Service"]["StateDirectory"]
    assert found.database_path.parent == state and found.backup_dir.parent == state


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    """The unit as installed, with its two outside paths pointed at this machine's."""
    home = tmp_path / "opt" / "sske-bot"
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    env = tmp_path / "env"
    shutil.copyfile(ENV, env)
    text = UNIT.read_text(encoding="utf-8").replace("/opt/sske-bot", str(home))
    installed = tmp_path / "sske-bot.service"
    installed.write_text(text.replace("/etc/sske-bot/env", str(env)), encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", str(installed)], capture_output=True,
                          text=True, timeout=60)
    about_it = [line for line in (done.stdout + done.stderr).splitlines()
                if "sske-bot" in line]
    assert done.returncode == 0 and about_it == [], done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("setpriv") is None or not (ROOT / ".venv/bin/python").exists(),
                    reason="needs setpriv and the repository's .venv")
def test_the_wrapper_runs_commands_with_the_services_settings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = tmp_path / "env"
    env.write_text(ENV.read_text(encoding="utf-8")
                   .replace("TELEGRAM_BOT_TOKEN=", "TELEGRAM_BOT_TOKEN=123:abc")
                   .replace("/var/lib/sske-bot", str(data))
                   .replace("/opt/sske-bot", str(ROOT)), encoding="utf-8")
    clean = {k: v for k, v in os.environ.items()
             if k not in {name.upper() for name in Settings.model_fields}}
    clean |= {"SSKE_BOT_ENV": str(env), "SSKE_BOT_USER": getpass.getuser(),
              "SSKE_BOT_DATA": str(data), "MPLCONFIGDIR": str(tmp_path / "cache")}

    def wrapper(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(DEPLOY / "bot"), *args], env=clean | extra, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    checked = wrapper("check")
    assert checked.returncode == 0 and checked.stdout.startswith(
        f"ok: settings, {ROOT / 'schedule.json'} (11 sessions"), checked.stderr
    # A relative name is in the data folder; the database is the settings file's.
    done = wrapper("backup", "--output", "backups/first.sqlite3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: wrote backups/first.sqlite3")
    assert (data / "backups" / "first.sqlite3").is_file() and (data / "bot.sqlite3").is_file()
    # A setting given on the command line wins over the file.
    other = wrapper("backup", "--output", "second.sqlite3",
                    DATABASE_PATH=str(data / "cohort-2021.sqlite3"))
    assert other.returncode == 0, other.stderr
    assert (data / "cohort-2021.sqlite3").is_file() and (data / "second.sqlite3").is_file()
