"""Dashboard pages (managers, admins): league tables, branch pages, charts, CSV export."""
