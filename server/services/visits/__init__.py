"""Visits: recording a completed visit and its corrections, its stored rows and state, and reviews."""
