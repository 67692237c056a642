"""When sessions take place: /next, /schedule, /session."""
