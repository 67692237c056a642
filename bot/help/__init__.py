"""/help and the command menus Telegram shows: per language for everyone, per chat for staff."""
