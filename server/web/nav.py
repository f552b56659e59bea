"""The top navigation per role: each web area adds its entries here, and base.html shows those that exist."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request


@dataclass(frozen=True)
class NavItem:
    """One link in the top bar: a label, a Flask endpoint, and the roles that see it."""

    label: str
    endpoint: str
    roles: tuple[str, ...]
    current_for: tuple[str, ...] = ()  # endpoint prefixes that mark it current; default: its blueprint

    def is_current(self, endpoint: str) -> bool:
        """Whether the page at `endpoint` belongs to this entry (two entries may share a blueprint)."""
        if self.current_for:
            return endpoint.startswith(self.current_for)
        return endpoint.split(".")[0] == self.endpoint.split(".")[0]


# In display order. An entry whose endpoint is not registered (yet) is simply not shown.
NAV: tuple[NavItem, ...] = (
    NavItem("Overview", "web.home", ("admin", "manager", "shopper")),
    NavItem("Dashboard", "dashboard.index", ("admin", "manager")),
    NavItem("Reports", "job_pages.index", ("admin", "manager")),
    NavItem("Actions", "actions.mine", ("admin", "manager")),
    NavItem("Review", "review.queue", ("admin",)),
    NavItem("Assignments", "assignments.index", ("admin",)),
    NavItem("Checklists", "checklists.templates", ("admin",)),
    NavItem("Regions", "org.regions", ("admin",), ("org.region", "org.branch")),
    NavItem("Users", "org.users", ("admin",), ("org.user", "org.token")),
    NavItem("Settings", "org.settings", ("admin",), ("org.settings",)),
    NavItem("Webhooks", "webhooks.index", ("admin",)),
    NavItem("Activity", "activity.log", ("admin",)),
)


def nav_for(user) -> list[tuple[NavItem, bool]]:
    """(item, is_current) for every registered entry this user's role may see."""
    if not getattr(user, "is_authenticated", False):
        return []
    role = user.role.value
    current = request.endpoint or ""
    return [
        (item, item.is_current(current))
        for item in NAV
        if role in item.roles and item.endpoint in current_app.view_functions
    ]
