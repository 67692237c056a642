"""/export people (scoped like /people, staff in their own columns) and the caption every
exported file carries; the shell's `python -m bot export people` names organizers as such."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from bot.emulator import BotAPIEmulator
from bot.services import Services
from handlers.exports import writers
from tests.helpers import ORGANIZER_ID, ROOT, database_env, onboard


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def people(bot: Services, emulator: BotAPIEmulator) -> None:
    for uid, country in ((501, "Ghana"), (502, "Peru"), (503, "Peru")):
        await onboard(emulator.user(uid, "en", first_name=f"P{uid}"), "English", country)
    await emulator.user(ORGANIZER_ID, "en").send("/grant facilitator 503 PE")


async def test_every_export_has_a_caption_in_the_viewers_language(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    await people(bot, emulator)
    organizer = emulator.user(ORGANIZER_ID, "es")
    await onboard(organizer, "Español", "Perú")
    kinds = writers(bot, bot.clock.now())
    assert set(kinds) == {"attendance", "feedback", "goals", "networking", "people",
                          "certificates", "coaching"}
    for kind in kinds:
        files = await organizer.send(f"/export {kind}", expect=2)
        assert [f.document[0] for f in files if f.document] == [f"{kind}.csv", f"{kind}.xlsx"]
        lines = files[0].text.splitlines()
        assert lines[1] == "Países: todos los países", kind
        # 20 Mar 2021 12:00 UTC, in Peru's time
        assert lines[2] == "Datos al 20 mar. 2021 a las 07:00 (hora de Perú)", kind
        assert lines[3].endswith(("fila", "filas")), kind
        assert files[1].text == files[0].text
    files = await organizer.send("/export people", expect=2)
    assert files[0].text.splitlines() == [
        "📄 Personas", "Países: todos los países",
        "Datos al 20 mar. 2021 a las 07:00 (hora de Perú)", "4 filas"]


async def test_a_facilitator_exports_their_countries_staff_apart(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    await people(bot, emulator)
    facilitator = emulator.user(503, "en")
    files = await facilitator.send("/export people", expect=2)
    assert files[0].document is not None
    rows = rows_of(files[0].document[1])
    assert [(r["user_id"], r["participant"], r["staff"], r["staff countries"]) for r in rows] == [
        ("502", "yes", "", ""), ("503", "no", "facilitator", "PE")]
    assert files[0].text.splitlines()[1:] == [
        "Countries: 🇵🇪 Peru", "As of Mar 20, 2021 at 07:00 (Peru time)", "2 rows"]
    (refused, ) = await facilitator.send("/export attendance")
    assert refused.text.startswith("Sorry, only organizers can do that.")


async def test_the_shell_export_names_organizers(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    await people(bot, emulator)
    await onboard(emulator.user(ORGANIZER_ID, "en"), "English", "Ghana")
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(database_env(bot.settings.database), SCHEDULE_PATH=str(ROOT / "schedule.json"),
               ORGANIZER_IDS=str(ORGANIZER_ID))
    out = tmp_path / "people.csv"
    done = subprocess.run([sys.executable, "-m", "bot", "export", "people", "--output",
                           str(out)], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    rows = {r["user_id"]: r for r in rows_of(out.read_bytes())}
    assert (rows[str(ORGANIZER_ID)]["staff"], rows[str(ORGANIZER_ID)]["participant"]) == (
        "organizer", "no")
    assert (rows["503"]["staff"], rows["501"]["participant"]) == ("facilitator", "yes")
