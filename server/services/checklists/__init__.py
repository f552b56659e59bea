"""Checklists: templates and their versions (import, draft, edit, publish, export) and their diffs."""
