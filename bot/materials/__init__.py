"""Session materials: files and links facilitators attach, and the follow-up after a session."""
