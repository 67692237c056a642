"""Staff charts: engagement pictures in the chat and in the partners' report."""
