"""Use cases: one function per thing a user can do, called by web pages, the API and the CLI."""
