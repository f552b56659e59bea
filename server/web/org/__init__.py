"""Organisation pages (admins): regions, branches, the branch CSV import, users and settings.

`blueprint.py` holds the blueprint, `common.py` what the pages share; each other module adds its routes.
"""

from server.web.org import branch_import, branches, mail, regions, settings, users  # noqa: F401 - each adds its routes to bp
from server.web.org.blueprint import bp

__all__ = ["bp"]
