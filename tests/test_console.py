"""Console mode: the real bot in a terminal through the emulator (python -m bot console)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import Screen
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ROOT

pytestmark = pytest.mark.e2e  # the real bot, in a process of its own


def test_console_chats_with_the_real_bot() -> None:
    script = "/start\n!press Español\n!press Perú\n!press Omitir\n!press Omitir\n/next\n!quit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--lang", "es"],
        input=script, capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot> ¡Le damos la bienvenida!" in out
    assert "[🇵🇪 Perú]" in out
    assert "bot> Próxima sesión" in out
    assert "🕑 09:00 (hora de Perú) · 3 horas" in out
    assert "console:" not in out.split("\n", 1)[1]  # no timeouts, no missing buttons


def console(script: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args], input=script, capture_output=True,
        text=True, cwd=cwd, timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def test_console_reads_dotenv_shows_other_peoples_messages_and_saves_documents(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text(
        f"ORGANIZER_IDS=900\nSCHEDULE_PATH={ROOT / 'schedule.json'}\n", encoding="utf-8")
    files = tmp_path / "files"
    script = "\n".join([
        "!user 1002 en", "/start", "!press English", "!press Ghana", "!press skip",
        "!PRESS SKIP",
        "!user 900 en", "/start", "!press English", "!press Ghana", "!press Skip",
        "!press Skip",
        "/grant facilitator 1002 GH",  # the notice reaches 1002, not the active user
        "/export",
        "!quit", ""])
    result = console(script, tmp_path, "--files", str(files))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "console:" not in out.split("\n", 1)[1], out  # every button found, every reply
    assert "bot> [to 1002 Test] 🧰 You are now a facilitator for 🇬🇭 Ghana." in out
    saved = sorted(p.name for p in files.iterdir())
    assert [name.split("-", 2)[2] for name in saved] == ["attendance.csv", "attendance.xlsx"]
    for name in saved:
        assert f"saved as {files / name}]" in out
    assert (files / saved[0]).read_bytes().startswith(b"\xef\xbb\xbfuser_id,")


def test_console_uses_schedule_path_like_the_bot(tmp_path: Path) -> None:
    bad = tmp_path / "mine.json"
    bad.write_text("{", encoding="utf-8")
    (tmp_path / ".env").write_text(f"SCHEDULE_PATH={bad}\n", encoding="utf-8")
    result = console("!quit\n", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {bad}: ")


def test_console_sends_files_knows_usernames_breaks_lines_and_waits_for_paced_replies(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text(
        f"ORGANIZER_IDS=900\nSCHEDULE_PATH={ROOT / 'schedule.json'}\n", encoding="utf-8")
    (tmp_path / "roster.csv").write_text(
        "name,country,group,language,email\nAma Mensah,GH,core,en,ama@example.org\n"
        "Juan Pérez,Peru,wider,es,\n", encoding="utf-8")
    files = tmp_path / "files"
    script = "\n".join([
        "!user 1002 en @ama", "/start", "!press English", "!press Ghana", "!press Skip",
        "!press Skip", "/profile", "!press organization", "Coop\\nNorth",
        "!user 900 en", "/start", "!press English", "!press Ghana", "!press Skip",
        "!press Skip",
        "/grant facilitator @ama GH",  # the username given with !user
        "/roster qr",
        "!file roster.csv",  # four answers: the fourth waits for the chat's pace (1/s)
        "/next",
        "!quit", ""])
    result = console(script, tmp_path, "--files", str(files))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "console:" not in out.split("\n", 1)[1], out
    assert "Organization: Coop North" in out  # "\n" was a line break, folded into one line
    assert "bot> Test is now a facilitator for 🇬🇭 Ghana." in out  # the profile name
    # Everything the bot answered to the file comes before the next line is read.
    after_file = out.split("you> !file roster.csv\n", 1)[1].split("you> /next\n", 1)[0]
    assert after_file.startswith("bot> Roster imported: 2 people.\n2 new links\n")
    for name in ("links.csv", "links.xlsx", "links-qr.zip"):
        assert f"[document {name}, " in after_file
    assert "bot> Next session" in out.split("you> /next\n", 1)[1]
    saved = sorted(p.name.split("-", 2)[2] for p in files.iterdir())
    assert saved == ["links-qr.zip", "links.csv", "links.xlsx"]


async def test_console_saves_photos_beside_documents(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    out = io.StringIO()
    user = emulator.user(77, "en")
    await user.send("/help")
    files = tmp_path / "files"
    files.mkdir()
    screen = Screen(emulator, out, files)
    screen.mark()
    await bot.app.bot.send_photo(77, b"\x89PNG picture", caption="A chart",
                                 filename="attendance.png")
    screen.show(user.id)
    (saved,) = files.iterdir()
    assert saved.read_bytes() == b"\x89PNG picture"
    assert out.getvalue() == (f"bot> A chart\n     [photo {saved.name.split('-', 2)[2]}, 12 bytes: "
                              f"saved as {saved}]\n")
