"""The yardstick for benchmarks 2 and 3: a bare python-telegram-bot, ptb's defaults otherwise.
It answers /next with a fixed HTML text (BARE_TEXT), and a check-in button (`ci:...`) with
the toast and the confirmation message this bot gives (BARE_TOAST, BARE_CONFIRMED), with no
storage at all. Run by bench/overhead.py and bench/checkin.py as its own process:

    TELEGRAM_BOT_TOKEN=... BOT_API_URL=http://127.0.0.1:PORT/bot python bench/bare_bot.py

BARE_PACED=30 paces it with ptb's own AIORateLimiter at 30 messages a second overall (20 a
minute per group), the like-for-like comparison for this bot's limiter; BARE_CONCURRENT=1
lets ptb handle updates concurrently (as this bot does, per chat).
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
)

TEXT = os.environ.get("BARE_TEXT", "<b>Session 3</b>")
TOAST = os.environ.get("BARE_TOAST", "✅ Checked in")
CONFIRMED = os.environ.get("BARE_CONFIRMED", "✅ Checked in")


async def next_session(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(TEXT)


async def check_in(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.from_user is not None
    await query.answer(TOAST)
    await context.bot.send_message(query.from_user.id, CONFIRMED)


def main() -> None:
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["BOT_API_URL"])
        .defaults(Defaults(parse_mode=ParseMode.HTML))
    )
    if rate := float(os.environ.get("BARE_PACED") or 0):
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=rate,
                                                      overall_time_period=1))
    if os.environ.get("BARE_CONCURRENT"):
        builder = builder.concurrent_updates(True)
    app = builder.build()
    app.add_handler(CommandHandler("next", next_session))
    app.add_handler(CallbackQueryHandler(check_in, pattern=r"^ci:"))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
