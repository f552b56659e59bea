"""Placeholder until the web work lands."""


def init_app(app):
    """Nothing yet."""
