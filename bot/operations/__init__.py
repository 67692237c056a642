"""Operations: health, /status, error notices to organizers, backups."""
