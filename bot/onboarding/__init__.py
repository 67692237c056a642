"""/start and /settings: language, country and time zone."""
