"""One delivery engine: every message to many people leaves through bot.delivery.run()."""

from bot.delivery.engine import (
    Copy,
    Delivery,
    Document,
    Ledger,
    Message,
    Report,
    Text,
    Undeliverable,
    run,
)
from bot.delivery.kinds import KINDS, Kind, kind

__all__ = ["KINDS", "Copy", "Delivery", "Document", "Kind", "Ledger", "Message", "Report",
           "Text", "Undeliverable", "kind", "run"]
