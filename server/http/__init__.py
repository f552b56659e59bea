"""What both HTTP edges (web pages, JSON API) share: access checks, query arguments, PDF downloads."""
