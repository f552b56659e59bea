"""Fieldaudit domain: checklists, answer validation, scoring and the sync wire format (pure Python)."""
