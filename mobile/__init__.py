"""Fieldaudit phone app (Kivy): offline visits, local store and sync client (issues 3 and 4)."""
