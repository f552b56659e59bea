"""Demo data for a first run: the bundled checklist, a fictional chain, months of visits, and log-ins to try."""

from server.demo.builder import CHECKLIST_PATH, demo_checklist
from server.demo.loader import (
    DemoError,
    DemoLogin,
    DemoSummary,
    demo_logins,
    is_database_empty,
    is_demo_loaded,
    load_demo,
)
from server.demo.org_data import DEMO_PASSWORD

__all__ = [
    "CHECKLIST_PATH",
    "DEMO_PASSWORD",
    "DemoError",
    "DemoLogin",
    "DemoSummary",
    "demo_checklist",
    "demo_logins",
    "is_database_empty",
    "is_demo_loaded",
    "load_demo",
]
