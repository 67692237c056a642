"""A certificate logo that the PDF library cannot print is refused when the schedule is
loaded, by /reload and by `python -m bot check`, in one line naming the field (issue 29,
item 7); a real PNG or JPEG is accepted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from bot.emulator import BotAPIEmulator
from bot.schedule import ScheduleError, load_schedule
from bot.services import Services
from tests.helpers import ORGANIZER_ID, ROOT


def with_logo(folder: Path, logo: str) -> Path:
    data = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    data.setdefault("certificates", {})["logo"] = logo
    path = folder / "schedule.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def bad_logos(folder: Path) -> dict[str, str]:
    (folder / "README.md").write_text("# not an image\n", encoding="utf-8")
    (folder / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # a header only
    (folder / "cut.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 10)
    Image.new("RGB", (30, 10)).save(folder / "logo.gif")
    return {"README.md": "not a PNG or JPEG image", "fake.png": "the PDF library cannot open",
            "cut.jpg": "the PDF library cannot open", "logo.gif": "not a PNG or JPEG image"}


def test_load_refuses_what_the_pdf_cannot_print(tmp_path: Path) -> None:
    for name, problem in bad_logos(tmp_path).items():
        path = with_logo(tmp_path, name)
        with pytest.raises(ScheduleError) as refused:
            load_schedule(path)
        assert str(refused.value).startswith(f"{path}: certificates.logo: {problem}"), name
    for name in ("logo.png", "logo.jpg"):
        Image.new("RGB", (300, 80), (31, 78, 61)).save(tmp_path / name)
        assert load_schedule(with_logo(tmp_path, name)).certificates.logo == name


async def test_reload_refuses_a_logo_that_is_not_an_image(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    bad_logos(tmp_path)
    bot.settings.schedule_path = with_logo(tmp_path, "README.md")
    schedule = bot.schedule
    (reply,) = await emulator.user(ORGANIZER_ID, "en").send("/reload")
    assert reply.text.startswith("The schedule was not reloaded: ")
    assert "certificates.logo: not a PNG or JPEG image" in reply.text and "\n" not in reply.text
    assert bot.schedule is schedule


def test_check_refuses_it_in_one_line(tmp_path: Path) -> None:
    bad_logos(tmp_path)
    path = with_logo(tmp_path, "README.md")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:a",
             "SCHEDULE_PATH": str(path)},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {path}: certificates.logo: not a PNG or JPEG image: {tmp_path / 'README.md'}")
