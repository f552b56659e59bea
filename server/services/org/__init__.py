"""The organisation: regions, branches, scheduled assignments, the branch CSV import and the settings."""
