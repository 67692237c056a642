"""Program changes from the chat (issue 25): join links and session moves over schedule.json."""
