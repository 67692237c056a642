"""Announcements from facilitators: audiences, delivery, the reply relay."""
