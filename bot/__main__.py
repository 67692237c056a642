"""python -m bot [run|check|console|schema|export|report|certificates|verify|backup|restore|
migrate-data|roster import]

Only `run` (the default) talks to Telegram and needs TELEGRAM_BOT_TOKEN.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import LANGUAGES, TOKEN_MISSING, Settings, SettingsError, load_settings
from bot.i18n import CatalogError, I18n, catalog_problems
from bot.redact import install as redact_token

if TYPE_CHECKING:
    from bot.storage.program import ProgramChange
from bot.schedule import (
    Schedule,
    ScheduleError,
    load_schedule,
    schedule_schema,
    schedule_warnings,
)


def _check() -> int:
    """Every finding, one line each (a missing token is one of them, not the only one)."""
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = load_settings(require_token=False)
    except SettingsError as exc:
        problems.append(str(exc))
    if settings is not None and settings.token is None:
        problems.append(TOKEN_MISSING)
    schedule_path = settings.schedule_path if settings else Path(
        os.environ.get("SCHEDULE_PATH") or "schedule.json")
    summary = ""
    warnings: list[str] = []
    try:
        schedule = load_schedule(schedule_path)
        summary = f"{len(schedule.sessions)} sessions, {len(schedule.countries)} countries"
        schedule, warnings = _in_force(schedule, settings)
        warnings += schedule_warnings(schedule)
    except ScheduleError as exc:
        problems.append(str(exc))
    try:
        I18n(default=settings.default_language if settings else "en")
        found = catalog_problems()
        if found:
            problems.append(f"{found[0]} ({len(found)} problems in all)")
    except CatalogError as exc:
        problems.append(str(exc))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 2
    for warning in warnings:
        print(f"warning: {schedule_path}: {warning}", file=sys.stderr)
    print(f"ok: settings, {schedule_path} ({summary}) and catalogs are valid")
    return 0


def _in_force(schedule: Schedule, settings: Settings | None) -> tuple[Schedule, list[str]]:
    """The schedule with the changes made in the chat (/joinlink, /move), when the database
    exists and has them; a database that cannot be read is left to `run` to report."""
    from bot.program.rules import apply
    from bot.storage.db import Database
    from bot.storage.program import ProgramStore

    target = settings.database if settings else None
    if target is None or (isinstance(target, Path) and not target.is_file()):
        return schedule, []

    async def read() -> list[ProgramChange]:
        db = await Database.open(target)
        try:
            if "program_changes" not in await db.tables():
                return []
            return await ProgramStore(db).changes()
        finally:
            await db.close()

    try:
        changes = asyncio.run(read())
    except Exception:  # noqa: BLE001 - check is about the files; run reports storage
        return schedule, []
    schedule, rejected = apply(schedule, changes)
    return schedule, [f"the change made in the chat to {r.change.kind} {r.change.target} is not "
                      f"applied: {r.reason}" for r in rejected]


def _export(kind: str, fmt: str, output: Path) -> int:
    from bot.exports import EXPORTERS
    from bot.storage import Repository

    settings = load_settings(require_token=False)
    schedule = load_schedule(settings.schedule_path)
    exporter = EXPORTERS[kind]

    async def write() -> None:
        repo = await Repository.open(settings.database)
        try:
            await exporter(repo, schedule, fmt, output)
        finally:
            await repo.close()

    asyncio.run(write())
    print(f"wrote {output}")
    return 0


def _offline() -> tuple[Settings, Schedule]:
    """Settings and schedule for commands that need no token (only storage and schedule.json)."""
    settings = load_settings(require_token=False)
    return settings, load_schedule(settings.schedule_path)


def _report(output: Path, lang: str | None) -> int:
    """All charts as PNG plus report.pdf, for the partners; reads the database, needs no token."""
    from bot.charts.report import write_report
    from bot.clock import SystemClock
    from bot.storage import Repository

    settings, schedule = _offline()
    i18n = I18n(default=settings.default_language)

    async def write() -> list[Path]:
        repo = await Repository.open(settings.database)
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
    from bot.certificates.offline import write_all

    settings, schedule = _offline()
    written, revoked = asyncio.run(write_all(settings, schedule, output))
    print(f"wrote {written} certificates to {output}" + (
        f" ({revoked} revoked, not written)" if revoked else ""))
    return 0


def _verify_certificate(code: str, lang: str) -> int:
    """Exit 0 for a valid certificate, 1 for a revoked or unknown one."""
    from bot.certificates.offline import verify

    settings, schedule = _offline()
    text, valid = asyncio.run(verify(settings, schedule, code, lang))
    print(text)
    return 0 if valid else 1


def _path_like(text: str) -> bool:
    """`verify backups/b.sqlite3` names a file (missing), not a certificate code."""
    from bot.certificates.rules import parse_code

    if parse_code(text) is not None:
        return False
    return any(c in text for c in "/\\") or Path(text).suffix.lower() in (
        ".sqlite3", ".sqlite", ".db", ".bak", ".backup")


def _copy(command: str, args: argparse.Namespace) -> int:
    """backup, restore, verify and migrate-data: storage only, no token needed."""
    from bot.storage import copy

    if command == "verify":
        version, found = asyncio.run(copy.verify(Path(args.file)))
        print(f"ok: {args.file}: schema version {version}, {found.rows} rows in "
              f"{len(found.counts)} tables")
        return 0
    if command == "migrate-data":
        source = args.source.removeprefix("sqlite:")
        done = asyncio.run(copy.migrate_data(source if "://" in source else Path(source),
                                             args.target))
        print(f"ok: copied {done.rows} rows; row counts match in all {len(done.counts)} tables")
        return 0
    settings = load_settings(require_token=False)
    if command == "backup":
        done = asyncio.run(copy.backup(settings.database, args.output))
        print(f"ok: wrote {args.output} ({done.rows} rows)")
        return 0
    done = asyncio.run(copy.restore(args.file, settings.database))
    print(f"ok: restored {done.rows} rows into {_where(settings)}; row counts match")
    return 0


def _roster(args: argparse.Namespace) -> int:
    """Import a roster file; write the links (CSV, and XLSX beside it) and QR codes."""
    from bot.clock import SystemClock
    from bot.roster.importer import qr_codes, run_import, write_links
    from bot.roster.texts import refused, summary
    from bot.storage import Repository
    from bot.viewer import Viewer

    settings, schedule = _offline()
    username = args.bot or _bot_username(settings)
    view = Viewer(I18n(default="en").get("en"), "en", "UTC")
    now = SystemClock().now()

    async def apply() -> int:
        repo = await Repository.open(settings.database)
        try:
            result = await run_import(repo, schedule, args.file.name, args.file.read_bytes(),
                                      by=0, now=now, days=args.days)
        finally:
            await repo.close()
        if result.problems:
            print(refused(view, result.problems), file=sys.stderr)
            return 1
        until = max((r.expires_at for r in result.rows if r.status != "joined"), default=None)
        print(summary(view, result.counts, until))
        for path in write_links(args.output, result.rows, username):
            print(f"wrote {path}")
        if args.qr is not None:
            args.qr.mkdir(parents=True, exist_ok=True)
            codes = qr_codes(result.rows, username)
            for name, png in codes:
                (args.qr / name).write_bytes(png)
            print(f"wrote {len(codes)} QR codes to {args.qr}")
        return 0

    return asyncio.run(apply())


def _bot_username(settings: Settings) -> str:
    """The bot's @username (for the t.me links), asked from Telegram with the token."""
    token = settings.token
    if token is None:
        raise SettingsError("give --bot USERNAME (or set TELEGRAM_BOT_TOKEN to ask Telegram)")
    from telegram import Bot

    async def ask() -> str:
        async with Bot(token, base_url=settings.bot_api_url or
                       "https://api.telegram.org/bot") as bot:
            return bot.username

    return asyncio.run(ask())


def _where(settings: Settings) -> str:
    if settings.database_url:
        from bot.storage.postgres import safe_url

        return safe_url(settings.database_url.get_secret_value())
    return str(settings.database_path)


def _logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        ))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Mostly "job executed" lines; its warnings still show.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _check_database(database: Path | str) -> None:
    """Open the database before anything else: StorageOpenError names DATABASE_PATH (or
    DATABASE_URL) in one line, instead of a traceback after connecting to Telegram. (The
    migrations run at start, as ever, and log there.)"""
    from bot.storage.db import Database

    async def probe() -> None:
        await (await Database.open(database)).close()

    asyncio.run(probe())


def _check_cohort(settings: Settings) -> str | None:
    """The database belongs to schedule.json's program (recorded at the first start)."""
    from bot.operations import cohort

    schedule = load_schedule(settings.schedule_path)
    return asyncio.run(cohort.check(settings.database, schedule))


def _run() -> int:
    from bot.app import setup_application
    from bot.runner import TokenRejected, run

    settings = load_settings()
    _logging(settings)
    redact_token(settings.token or "")  # never in a log line or a printed traceback
    _check_database(settings.database)
    wrong_program = _check_cohort(settings)
    if wrong_program:
        print(f"error: {wrong_program}", file=sys.stderr)
        return 2
    app = setup_application(settings)
    try:
        return run(app, settings)
    except TokenRejected:
        print("error: TELEGRAM_BOT_TOKEN was rejected by the Telegram Bot API; copy the token "
              "from @BotFather again", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="SSKE cocoa program bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (long polling, or a webhook with WEBHOOK_URL)")
    sub.add_parser("check", help="validate settings, schedule.json and the catalogs")
    sub.add_parser("console", help="chat with the bot in this terminal (no token needed)")
    sub.add_parser("schema", help="print the JSON Schema of schedule.json")
    from bot.exports import EXPORTERS

    export = sub.add_parser("export", help="write an organizer export to a file")
    export.add_argument("kind", choices=sorted(EXPORTERS) or ["(none yet)"])
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--output", type=Path, required=True)
    backup = sub.add_parser("backup", help="a consistent copy of the database, while it runs")
    backup.add_argument("--output", type=Path, required=True)
    restore = sub.add_parser("restore", help="restore a backup file into an empty database")
    restore.add_argument("file", type=Path)
    report = sub.add_parser("report", help="write every chart (PNG) and a PDF report to a folder")
    report.add_argument("--output", type=Path, required=True, help="folder for the files")
    report.add_argument("--lang", choices=list(LANGUAGES),
                        help="language of the report (default: DEFAULT_LANGUAGE)")
    certificates = sub.add_parser("certificates", help="write every issued certificate (PDF)")
    certificates.add_argument("--output", type=Path, required=True, help="a folder")
    # One verb for both things people verify: an existing file is a backup, else a code.
    verify = sub.add_parser("verify", help="check a backup FILE (integrity, schema, row counts) "
                            "or a certificate CODE")
    verify.add_argument("file", metavar="FILE|CODE")
    verify.add_argument("--lang", choices=list(LANGUAGES), default="en",
                        help="language of a certificate's answer")
    roster = sub.add_parser("roster", help="import a roster (CSV or XLSX): personal links")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_sub.add_parser("import", help="check every row, then apply all")
    roster_import.add_argument("file", type=Path, help="the roster, .csv or .xlsx")
    roster_import.add_argument("--output", type=Path, required=True,
                               help="links CSV (an .xlsx of the same name is written beside)")
    roster_import.add_argument("--days", type=int, default=None,
                               help="how long links not yet used work (default 60)")
    roster_import.add_argument("--qr", type=Path, help="folder for one QR code PNG per person")
    roster_import.add_argument("--bot", help="the bot's username (default: asked from Telegram)")
    migrate = sub.add_parser("migrate-data", help="copy a program into another (empty) database")
    migrate.add_argument("--from", dest="source", required=True, help="sqlite:PATH (or a URL)")
    migrate.add_argument("--to", dest="target", required=True, help="postgresql://...")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["console"]:
        from bot import console

        return console.main(argv[1:])
    args = _parser().parse_args(argv)
    from bot.storage.copy import CopyError
    from bot.storage.db import StorageOpenError

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
        if args.command == "verify" and not Path(args.file).exists():
            if _path_like(args.file):
                print(f"error: {args.file}: no such file", file=sys.stderr)
                return 2
            return _verify_certificate(args.file, args.lang)
        if args.command == "roster":
            from bot.roster.rules import DEFAULT_DAYS, MAX_DAYS

            args.days = args.days or DEFAULT_DAYS
            if not 1 <= args.days <= MAX_DAYS:
                raise SettingsError(f"--days: 1 to {MAX_DAYS}")
            return _roster(args)
        if args.command in ("backup", "restore", "verify", "migrate-data"):
            return _copy(args.command, args)
        return _run()
    except (SettingsError, ScheduleError, CatalogError, CopyError, StorageOpenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
