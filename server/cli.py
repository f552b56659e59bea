"""Placeholder CLI."""


def init_app(app):
    """Nothing yet."""


def main():
    """Nothing yet."""
