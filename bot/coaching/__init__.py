"""Coaching: each core group books its coaching hours through a poll, in everyone's zone."""
