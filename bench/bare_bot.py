"""The yardstick for benchmark 2: a bare python-telegram-bot answering /next with a fixed HTML
text (BARE_TEXT), ptb's defaults otherwise. Run by bench/overhead.py as its own process:

    TELEGRAM_BOT_TOKEN=... BOT_API_URL=http://127.0.0.1:PORT/bot python bench/bare_bot.py
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, Defaults

TEXT = os.environ.get("BARE_TEXT", "<b>Session 3</b>")


async def next_session(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(TEXT)


def main() -> None:
    app = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["BOT_API_URL"])
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    app.add_handler(CommandHandler("next", next_session))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
