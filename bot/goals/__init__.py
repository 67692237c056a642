"""Each country core group's goals and action plan, and the closing review."""
