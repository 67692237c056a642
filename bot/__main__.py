"""python -m bot [run|check]"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.config import SettingsError, load_settings
from bot.i18n import CatalogError, I18n, catalog_problems
from bot.schedule import ScheduleError, load_schedule, schedule_schema


def _check() -> int:
    settings = load_settings()
    schedule = load_schedule(settings.schedule_path)
    I18n(default=settings.default_language)
    problems = catalog_problems()
    if problems:
        raise CatalogError(f"{problems[0]} ({len(problems)} problems in all)")
    print(
        f"ok: settings, {settings.schedule_path} ({len(schedule.sessions)} sessions, "
        f"{len(schedule.countries)} countries) and catalogs are valid"
    )
    return 0


def _export(kind: str, fmt: str, output: Path) -> int:
    import asyncio

    from bot.exports import EXPORTERS
    from bot.storage import Repository

    settings = load_settings()
    schedule = load_schedule(settings.schedule_path)
    exporter = EXPORTERS[kind]

    async def write() -> None:
        repo = await Repository.open(settings.database_path)
        try:
            await exporter(repo, schedule, fmt, output)
        finally:
            await repo.close()

    asyncio.run(write())
    print(f"wrote {output}")
    return 0


def _run() -> int:
    from telegram import Update

    from bot.app import setup_application

    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = setup_application(load_settings())
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["console"]:
        from bot import console

        return console.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bot", description="SSKE cocoa program bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot with long polling (the default)")
    sub.add_parser("check", help="validate settings, schedule.json and the catalogs")
    sub.add_parser("console", help="chat with the bot in this terminal (no token needed)")
    sub.add_parser("schema", help="print the JSON Schema of schedule.json")
    from bot.exports import EXPORTERS

    export = sub.add_parser("export", help="write an organizer export to a file")
    export.add_argument("kind", choices=sorted(EXPORTERS) or ["(none yet)"])
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check()
        if args.command == "schema":
            print(schedule_schema(), end="")  # it ends with a newline already
            return 0
        if args.command == "export":
            return _export(args.kind, args.format, args.output)
        return _run()
    except (SettingsError, ScheduleError, CatalogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
