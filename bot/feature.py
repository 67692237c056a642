"""What a feature says about itself, once: its scheduled jobs, its exports and the staff
commands it adds to the menus. bot/features.py lists the features; the wiring walks the list
(job builders: bot/app.py; exports: bot/exports.py; staff menus: bot/help/texts.py).

Each feature declares it in bot/<feature>/feature.py:

    FEATURE = Feature(
        "attendance",
        exports=(Export("attendance", N_("Attendance"), write_attendance),),
        commands=(Staff("attendance", "facilitator", N_("Who checked in to a session")), ...),
    )

Handlers are registered by handlers/__init__.py (only the wiring imports handlers; their
order sets which one sees an update first), and the tables holding personal data are listed
by the storage seam (bot/storage/personal_data.py, with a test that finds unlisted ones).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bot.schedule import Schedule
    from bot.storage import Repository

JobBuilder = Callable[[Any], Awaitable[None]]  # build(application)
Exporter = Callable[["Repository", "Schedule", str, Path], Awaitable[None]]


def N_(message: str) -> str:
    """Marks a msgid for extraction (make extract); translated where it is shown."""
    return message


@dataclass(frozen=True)
class Export:
    kind: str  # /export KIND, python -m bot export KIND
    what: str  # a msgid: the file's caption names it
    write: Exporter  # write(repo, schedule, "csv" | "xlsx", path)


@dataclass(frozen=True)
class Staff:
    """A command staff get in their own menu (organizers get the facilitators' too)."""

    name: str
    role: Literal["facilitator", "organizer"]
    menu: str  # a msgid: its description in the menu


@dataclass(frozen=True)
class Feature:
    name: str
    # "module:function" of each job builder, rebuilt at every start and /reload in list order;
    # named, not imported, so that a feature's description (and the menus and /help that
    # read it) stays free of Telegram: the wiring imports them (bot/features.py).
    jobs: tuple[str, ...] = ()
    exports: tuple[Export, ...] = ()
    commands: tuple[Staff, ...] = ()
