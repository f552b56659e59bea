"""Account pages: what every signed-in user does to their own account."""
