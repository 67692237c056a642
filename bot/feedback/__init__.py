"""Session feedback: a 1-5 rating and an optional comment from those who checked in."""
