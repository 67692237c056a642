"""/help and the command menu Telegram shows, in each language."""
