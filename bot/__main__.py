"""python -m bot [run|check|console|schema|export|report|certificates|verify]"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.config import LANGUAGES, Settings, SettingsError, load_settings
from bot.i18n import CatalogError, I18n, catalog_problems
from bot.redact import install as redact_token
from bot.schedule import (
    Schedule,
    ScheduleError,
    load_schedule,
    schedule_schema,
    schedule_warnings,
)
from bot.storage.db import StorageOpenError


def _check() -> int:
    settings = load_settings()
    schedule = load_schedule(settings.schedule_path)
    I18n(default=settings.default_language)
    problems = catalog_problems()
    if problems:
        raise CatalogError(f"{problems[0]} ({len(problems)} problems in all)")
    for warning in schedule_warnings(schedule):
        print(f"warning: {settings.schedule_path}: {warning}", file=sys.stderr)
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


def _check_database(path: Path) -> None:
    """Open (and migrate) the database before anything else: StorageOpenError names
    DATABASE_PATH in one line instead of a traceback after connecting to Telegram."""
    import asyncio

    from bot.storage import Repository

    async def probe() -> None:
        await (await Repository.open(path)).close()

    asyncio.run(probe())


def _offline() -> tuple[Settings, Schedule]:
    """Settings and schedule for commands that need no token (only the database and
    schedule.json)."""
    settings = load_settings(telegram_bot_token="0:offline")
    return settings, load_schedule(settings.schedule_path)


def _report(output: Path, lang: str | None) -> int:
    """All charts as PNG plus report.pdf, for the partners; reads the database, needs no token."""
    import asyncio

    from bot.charts.report import write_report
    from bot.clock import SystemClock
    from bot.storage import Repository

    settings, schedule = _offline()
    i18n = I18n(default=settings.default_language)

    async def write() -> list[Path]:
        repo = await Repository.open(settings.database_path)
        try:
            return await write_report(repo, schedule, i18n, output,
                                      lang=lang or settings.default_language,
                                      now=SystemClock().now(), exclude=settings.organizer_ids)
        finally:
            await repo.close()

    for path in asyncio.run(write()):
        print(f"wrote {path}")
    return 0


def _certificates(output: Path) -> int:
    """Every valid certificate as a PDF in output, for offline use."""
    import asyncio

    from bot.certificates.offline import write_all

    settings, schedule = _offline()
    written, revoked = asyncio.run(write_all(settings, schedule, output))
    print(f"wrote {written} certificates to {output}" + (
        f" ({revoked} revoked, not written)" if revoked else ""))
    return 0


def _verify(code: str, lang: str) -> int:
    """Exit 0 for a valid certificate, 1 for a revoked or unknown one."""
    import asyncio

    from bot.certificates.offline import verify

    settings, schedule = _offline()
    text, valid = asyncio.run(verify(settings, schedule, code, lang))
    print(text)
    return 0 if valid else 1


def _run() -> int:
    from telegram import Update

    from bot.app import setup_application

    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = load_settings()
    redact_token(settings.telegram_bot_token.get_secret_value())  # logs and tracebacks
    _check_database(settings.database_path)
    app = setup_application(settings)
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
    report = sub.add_parser("report", help="write every chart (PNG) and a PDF report to a folder")
    report.add_argument("--output", type=Path, required=True, help="folder for the files")
    report.add_argument("--lang", choices=list(LANGUAGES),
                        help="language of the report (default: DEFAULT_LANGUAGE)")
    certificates = sub.add_parser("certificates", help="write every issued certificate (PDF)")
    certificates.add_argument("--output", type=Path, required=True, help="a folder")
    verify = sub.add_parser("verify", help="check a certificate's code")
    verify.add_argument("code")
    verify.add_argument("--lang", choices=list(LANGUAGES), default="en")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check()
        if args.command == "schema":
            sys.stdout.write(schedule_schema())
            return 0
        if args.command == "export":
            return _export(args.kind, args.format, args.output)
        if args.command == "report":
            return _report(args.output, args.lang)
        if args.command == "certificates":
            return _certificates(args.output)
        if args.command == "verify":
            return _verify(args.code, args.lang)
        return _run()
    except (SettingsError, ScheduleError, CatalogError, StorageOpenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
