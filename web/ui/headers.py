"""Security headers for the pages: a strict Content Security Policy with a per-request script nonce
(the GOV.UK template's one inline script carries it), no framing, no sniffing; and for every API response,
no caching and no sniffing."""

from __future__ import annotations

import secrets

from flask import Response, g, request


def csp_nonce() -> str:
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def security_headers(response: Response) -> Response:
    if request.path.startswith("/api/"):  # JSON about families: no page policy, but never cached or sniffed
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        return response
    nonce = g.pop("csp_nonce", None)
    script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/assets/"):
        response.headers.setdefault("Cache-Control", "no-store")  # case data never sits in a shared cache
    return response
