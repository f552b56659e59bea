"""Fieldaudit PDF and chart builders: plain data in, PDF or SVG bytes out (issue 5 fills this in)."""
