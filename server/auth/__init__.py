"""Placeholder until the auth work lands."""


def init_app(app):
    """Nothing yet."""
