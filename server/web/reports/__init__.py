"""PDF report downloads for signed-in browsers (the API's reports, behind the session)."""
