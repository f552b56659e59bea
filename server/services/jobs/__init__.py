"""Background jobs (docs/architecture.md, Jobs): start or join, run with progress and a heartbeat, reap the dead."""
