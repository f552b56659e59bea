"""Accounts: users, passwords, sign-in (web and phone), second factor, sessions, tokens, the auth log."""
