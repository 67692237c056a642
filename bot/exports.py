"""Organizer exports, shared by the /export commands and `python -m bot export KIND`.

Each feature that exports has an export module with one function that writes a file of the
given format ("csv" or "xlsx") from the repository, declared in its bot/<feature>/feature.py.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from html import escape

from bot.feature import Exporter
from bot.features import exports
from bot.help.texts import countries_label
from bot.schedule import Schedule
from bot.viewer import Viewer

FORMATS = ("csv", "xlsx")

# Every feature's exports (bot/<feature>/feature.py), by kind.
EXPORTERS: dict[str, Exporter] = {kind: e.write for kind, e in exports().items()}
WHAT: dict[str, str] = {kind: e.what for kind, e in exports().items()}


def caption(v: Viewer, schedule: Schedule, kind: str, countries: Collection[str] | None,
            now: datetime, rows: int) -> str:
    """What the file is, for which countries, as of when (the viewer's zone), how many rows."""
    _ = v.tr.gettext
    where = (countries_label(v, schedule, countries) if countries is not None
             else _("every country"))
    what = _(WHAT[kind]) if kind in WHAT else escape(kind)
    return "\n".join([
        f"📄 <b>{what}</b>",
        _("Countries: {countries}").format(countries=where),
        _("As of {when} ({zone})").format(when=v.at(now, "medium"), zone=escape(v.zone_name())),
        v.tr.ngettext("{count} row", "{count} rows", rows).format(count=v.number(rows)),
    ])
