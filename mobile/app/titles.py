"""Titles on the lists and the visit's top bar: the branch's name shortened at its end, its code always shown."""

from __future__ import annotations

from mobile.store import AccountStore, NotFound

from .i18n import _

TITLE_CHARS = 56
"""Longest branch name a list row shows (two lines on a phone); longer ones end with "…"."""


def shorten_end(text: str, limit: int) -> str:
    """``text`` cut at its end to ``limit`` characters with "…" ("Warsaw Mokotów Galeria" -> "Warsaw Mokot…")."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def branch_title(name: str, code: str, limit: int | None = TITLE_CHARS) -> str:
    """A branch as a row's title: the name (shortened at its end; None: whole) then the code, which is never cut."""
    name = " ".join(name.split()) if limit is None else shorten_end(name, limit)
    return f"{name} ({code})" if code else name


def checklist_titles(shop: AccountStore) -> dict[int, str]:
    """Every pulled checklist version's name by version id (one query for a whole list)."""
    return {v.id: v.title for v in shop.pulled.template_versions(include_removed=True)}


def place(shop: AccountStore, branch_id: int, limit: int | None = TITLE_CHARS) -> tuple[str, str]:
    """A branch's row title (its name shortened at the end, or whole with limit None; its code kept) and address."""
    try:
        branch = shop.pulled.branch(branch_id)
    except NotFound:
        return _("Branch {id}").format(id=branch_id), ""
    return branch_title(branch.name, branch.code, limit), branch.address
