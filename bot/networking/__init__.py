"""Networking: opt-in profiles, matchmaking, double opt-in introductions, breakout rooms."""
