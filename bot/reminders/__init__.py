"""Session reminders: before each session, to everyone in its audience."""
