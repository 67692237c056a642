"""What a built wheel holds, and what the bot writes at run time (nothing beside its source)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from bot.i18n import LOCALES_DIR, I18n
from bot.schedule import schedule_schema
from tests.helpers import ROOT


def test_the_wheel_holds_every_package_the_catalogs_and_the_schedule_schema(
    tmp_path: Path,
) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("en", "es", "fr", "pt"):
        assert f"locales/{lang}/LC_MESSAGES/messages.po" in names
    assert "bot/schedule.schema.json" in names and "bot/schedule.example.json" in names
    packages = {str(p.parent.relative_to(ROOT)) for p in ROOT.glob("bot/**/__init__.py")}
    packages |= {str(p.parent.relative_to(ROOT)) for p in ROOT.glob("handlers/**/__init__.py")}
    for package in packages:
        assert f"{package}/__init__.py" in names, package
    assert not [n for n in names if n.endswith(".mo")]


def test_the_committed_schema_is_current() -> None:
    assert (ROOT / "bot" / "schedule.schema.json").read_text(encoding="utf-8") == schedule_schema()


def test_catalogs_compile_in_memory_without_writing_files() -> None:
    before = sorted(LOCALES_DIR.rglob("*"))
    I18n()
    assert sorted(LOCALES_DIR.rglob("*")) == before
