"""Backups: a consistent snapshot of the database and the photos with a sealed manifest, and its restore (docs/backup.md)."""
