"""CI's first-run check: a served app (`make run`) answers, ehu1 signs in over HTTP and sees the inbox.

Usage: python .ci/first_run.py http://localhost:PORT [seconds to wait for the server]
Exits non-zero, saying why, when any step fails. Standard library and lxml only.
"""

from __future__ import annotations

import http.cookiejar
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import lxml.html

USERNAME, PASSWORD = "ehu1", "demo-family-journeys"  # the README's demo user


class LoopbackIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies to http://localhost, as browsers do (loopback is a secure context)."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        host = urllib.parse.urlsplit(request.full_url).hostname
        return host in {"localhost", "127.0.0.1", "::1"} or super().return_ok_secure(cookie, request)


def fail(message: str) -> None:
    print(f"first run: {message}", file=sys.stderr)
    sys.exit(1)


def wait_for(opener: urllib.request.OpenerDirector, url: str, seconds: float) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with opener.open(url, timeout=10) as response:
                return bytes(response.read())
        except (urllib.error.URLError, ConnectionError) as error:
            if isinstance(error, urllib.error.HTTPError) or time.monotonic() > deadline:
                fail(f"GET {url} did not answer 200 within {seconds:.0f} s: {error}")
        time.sleep(1)  # polling a server that is still starting; no test sleeps


def main(base: str, seconds: float) -> None:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(
        http.cookiejar.CookieJar(policy=LoopbackIsSecure())))
    form = lxml.html.fromstring(wait_for(opener, f"{base}/sign-in", seconds))
    tokens = form.xpath("//form//input[@name='csrf_token']/@value")
    if not tokens:
        fail("the sign-in page has no CSRF token")
    body = urllib.parse.urlencode({"csrf_token": tokens[0], "username": USERNAME, "password": PASSWORD}).encode()
    try:
        with opener.open(urllib.request.Request(f"{base}/sign-in", data=body), timeout=30) as response:
            landed, page = response.geturl(), lxml.html.fromstring(response.read())
    except urllib.error.HTTPError as error:
        fail(f"signing in as {USERNAME} answered {error.code}: {error.read()[:500]!r}")
    if urllib.parse.urlsplit(landed).path != "/inbox":
        fail(f"{USERNAME} landed on {landed}, not the inbox")
    heading = (page.findtext(".//h1") or "").strip()
    tasks = [a.text_content().strip() for a in page.xpath("//table//a[contains(@href, '/tasks/')]")]
    if heading != "Tasks" or not any(t.startswith("Triage the referral") for t in tasks):
        fail(f"the inbox shows {heading!r} with tasks {tasks[:5]}, not the demo's referrals to triage")
    print(f"first run: {USERNAME} signed in over HTTP and sees {len(tasks)} tasks in the inbox")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), float(sys.argv[2]) if len(sys.argv) > 2 else 180)
