"""Who is in the program: invitations, registration, roles, profile, personal data."""
