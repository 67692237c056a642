"""Questions to the organizers (/ask), answered through the reply relay."""
