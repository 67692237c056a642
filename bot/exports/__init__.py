"""Organizer exports, shared by the /export commands and `python -m bot export KIND`.

Each kind registers one async function that writes a file of the given format from the
repository: EXPORTERS["attendance"] = write_attendance, and so on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Literal

from bot.schedule import Schedule
from bot.storage import Repository

Format = Literal["csv", "xlsx"]
Exporter = Callable[[Repository, Schedule, Format, Path], Awaitable[None]]

EXPORTERS: dict[str, Exporter] = {}

# Exporter modules register themselves on import (they need EXPORTERS above).
from bot.exports import attendance  # noqa: E402, F401
from bot.exports import goals as _goals  # noqa: E402,F401
from bot.exports import people as _people  # noqa: E402,F401
