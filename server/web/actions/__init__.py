"""Corrective action pages: lists (mine, a branch's, a region's overdue), one action, raising one (views.py)."""
