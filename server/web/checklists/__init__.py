"""Checklist pages (admins): templates, drafts, the builder, live checks, preview, publish.

`blueprint.py` holds the blueprint, `common.py` what the pages share; each other module adds its routes.
"""

from server.web.checklists import edit, live, preview, views  # noqa: F401 - each adds its routes to bp
from server.web.checklists.blueprint import bp

__all__ = ["bp"]
