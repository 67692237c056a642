"""Migration 18: a scheduled broadcast held because its author lost the right to its countries.

Held broadcasts keep status 'cancelled' (nothing more is sent; the status CHECK of migration 7
stays as it is) with held_at set; bot/storage/broadcasts.py reads them as status "held".
"""

STATEMENTS: list[str] = [
    "ALTER TABLE broadcasts ADD COLUMN held_at TEXT",
]
