"""Session materials: files kept by their Telegram file_id (no copies on disk) and links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import Store, dt, ts
from bot.storage.db import Row

FILE_KINDS = ("document", "photo", "video", "audio", "voice", "animation")


@dataclass(frozen=True)
class Material:
    id: int
    session_number: int
    kind: str  # one of FILE_KINDS, or "link"
    file_id: str | None  # files: Telegram's file_id, sent again with send_<kind>
    file_name: str | None
    url: str | None  # links
    caption: str  # plain text, as typed
    added_by: int
    added_at: datetime

    @property
    def is_file(self) -> bool:
        return self.kind != "link"


def _material(row: Row) -> Material:
    return Material(row["id"], row["session_number"], row["kind"], row["file_id"],
                    row["file_name"], row["url"], row["caption"] or "", row["added_by"],
                    dt(row["added_at"]))


class MaterialStore(Store):
    async def add(self, session_number: int, kind: str, *, caption: str, by: int,
                  now: datetime, file_id: str | None = None, file_name: str | None = None,
                  url: str | None = None) -> int:
        return await self.db.insert(
            "INSERT INTO session_materials (session_number, kind, file_id, file_name, url,"
            " caption, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (session_number, kind, file_id, file_name, url, caption, by, ts(now)),
        )

    async def for_session(self, session_number: int) -> list[Material]:
        rows = await self.db.fetch(
            "SELECT * FROM session_materials WHERE session_number = ? ORDER BY id",
            (session_number,),
        )
        return [_material(r) for r in rows]

    async def get(self, material_id: int) -> Material | None:
        row = await self.db.fetchone("SELECT * FROM session_materials WHERE id = ?",
                                     (material_id,))
        return _material(row) if row else None

    async def remove(self, material_id: int) -> bool:
        return await self.db.write("DELETE FROM session_materials WHERE id = ?",
                                   (material_id,)) == 1
