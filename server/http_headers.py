"""The security headers of every response, set in this one place (docs/security.md, "Response headers").

- Content-Security-Policy: pages run only this site's own script files (no inline script or handler) and use
  only its own style sheets (no inline style: the charts' SVG uses presentation attributes); no framing.
  Other responses (JSON, CSV, PDF, photos) may load nothing at all.
- X-Frame-Options: DENY for browsers that predate frame-ancestors; X-Content-Type-Options: nosniff.
- Referrer-Policy: same-origin, so no Fieldaudit URL (ids, filters) is sent to another site.
- Cross-Origin-Opener-Policy and -Resource-Policy: same-origin, so other sites can neither script our
  windows nor embed our photos; Permissions-Policy switches off camera, microphone and location.
- Strict-Transport-Security only on requests that arrived over HTTPS (behind a proxy, FIELDAUDIT_PROXY_HOPS
  makes the proxy's X-Forwarded-Proto count; without it a client cannot claim HTTPS with a header).
- Cache-Control: no-store on everything but static files: pages, CSV, PDF, photos and API JSON all carry
  personal or confidential data, and must not stay in a shared computer's or a proxy's cache.
Trusted hosts (Flask's TRUSTED_HOSTS, from FIELDAUDIT_TRUSTED_HOSTS) are checked by Flask itself: a request
for any other Host answers 400 before routing.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.wrappers import Response

PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
"""For HTML: own files only. data: images are allowed for small generated images (e.g. a QR code)."""
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
"""For anything else: a JSON body or a photo opened in a tab can load and run nothing."""
PDF_POLICY = "default-src 'none'; frame-ancestors 'none'"
"""PDFs: as OTHER_POLICY without sandbox, which stops browsers' built-in PDF viewers."""

ALWAYS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def content_security_policy(mimetype: str | None) -> str:
    """The policy for a response of this media type."""
    if mimetype == "text/html":
        return PAGE_POLICY
    return PDF_POLICY if mimetype == "application/pdf" else OTHER_POLICY


def add_security_headers(response: Response) -> Response:
    """after_request: the headers above, whatever the view or error handler set."""
    response.headers.update(ALWAYS)
    response.headers["Content-Security-Policy"] = content_security_policy(response.mimetype)
    hsts = current_app.config.get("HSTS_SECONDS", 0)
    if request.is_secure and hsts > 0:
        response.headers["Strict-Transport-Security"] = f"max-age={hsts}"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "private, no-store"
        response.headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    """Set the headers on every response of the app."""
    app.after_request(add_security_headers)
