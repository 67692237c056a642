"""/forget leaves no name behind: not where the person was picked as a step's responsible,
not in a facilitator's typed reason for correcting their attendance, not in the audit log."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.emulator import BotAPIEmulator
from bot.exports import EXPORTERS
from bot.services import Services
from tests.goal_helpers import add_goal, member
from tests.helpers import ORGANIZER_ID, dump

EFUA = 7_770_101  # distinctive: no other cell holds this number


async def test_forget_removes_the_name_from_steps_reasons_and_audit(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    efua = await member(bot, emulator, EFUA, "en", "Ghana", first_name="Efua")
    kofi = await member(bot, emulator, 402, "en", "Ghana", first_name="Kofi")
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    await add_goal(kofi, "Cocoa plan")
    screen = kofi.last
    await kofi.press("Add a step", message=screen)
    (ask_who,) = await kofi.send("Map the farms")
    assert "👤 Efua" in ask_who.button_texts()
    await kofi.press("👤 Efua")
    await kofi.press("Skip")
    _, screen = await kofi.press("Save", expect=2)
    assert "⬜ 1. Map the farms — 👤 Efua" in screen.text
    (corrected,) = await organizer.send(f"/correct 0 {EFUA} present Efua was on the phone")
    assert "Efua" in corrected.text

    await efua.send("/forget")
    (gone,) = await efua.press("🗑 Yes, delete my data")
    assert gone.text.startswith("Done: your data has been deleted")

    leftovers = [(table, v) for table, rows in (await dump(bot.repo.db)).items()
                 for row in rows for v in row
                 if v == EFUA or (isinstance(v, str) and ("Efua" in v or str(EFUA) in v))]
    assert leftovers == []
    (goal,) = await bot.repo.goals.goals("GH")
    (reopened,) = await kofi.send("/goals")
    (opened,) = await kofi.press("Cocoa plan")
    assert "⬜ 1. Map the farms — 👤 former participant" in opened.text
    out = tmp_path / "goals.csv"
    await EXPORTERS["goals"](bot.repo, bot.schedule, "csv", out)
    (step,) = [row for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")))
               if row[4:5] == ["Map the farms"]]
    assert step[1] == str(goal.id) and step[5:7] == ["former participant", "0"]
    (correction,) = await bot.repo.attendance.corrections()
    assert correction.reason == "forgotten"
    audit = [e for e in await bot.repo.participants.audit_entries()
             if e["action"] == "attendance_correction"]
    assert [(e["target"], e["detail"]) for e in audit] == [("forgotten", None)]
