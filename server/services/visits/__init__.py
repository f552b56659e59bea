"""Visits: recording a completed visit and its corrections, its stored rows and state, reviews, and the page reads."""
