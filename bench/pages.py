"""The part-2 pages on the demo council: server time of the case page, the dashboard, a claim window,
the audit queue and a family's access log, each against the inbox page measured in the same run.

    .venv/bin/python -m bench.pages [--calls 100] [--database-url URL]

Default: a fresh SQLite file with ``flask setup``'s demo (50 families over two years). The pages are
served in-process by the Flask test client, so the time is the server's: queries, rendering and the
access-log write. The ratio to ``GET /inbox`` (same data, same run) is the figure that travels between
machines; the milliseconds are this machine's.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from typing import Any

from sqlalchemy import select

from bench.db import signed_in_client, time_page
from web import create_app
from web.demo.people import DEMO_PASSWORD
from web.extensions import db
from workflows.models import ClaimWindow, Family


def run(url: str, calls: int) -> dict[str, Any]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "CLOCK": "manual",
                      "SCHEDULER_ENABLED": False, "SECRET_KEY": "bench-only"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        result = app.test_cli_runner().invoke(args=["setup"])
        assert result.exit_code == 0, result.output
        family = db.session.scalars(select(Family).where(Family.status == "open", Family.case_manager.is_not(None))
                                    .order_by(Family.id)).first()
        window = db.session.scalars(select(ClaimWindow).order_by(ClaimWindow.id)).first()
        assert family is not None and family.case_manager is not None and window is not None
        worker, manager = family.case_manager, f"tm-{family.team_id}"
        pages = {
            "inbox (baseline)": (worker, "/inbox?tab=mine"),
            "case page": (worker, f"/families/{family.ref}"),
            "dashboard": (manager, "/dashboard"),
            "claim window": ("tf1", f"/tf/claim-windows/{window.id}"),
            "audit queue": ("tf1", "/tf/audits"),
            "family access log": ("admin1", f"/admin/families/{family.ref}/access-log"),
        }
        clients = {user: signed_in_client(app, user, DEMO_PASSWORD) for user, _ in pages.values()}
        timed = {label: time_page(clients[user], path, calls, warm=5)[0] for label, (user, path) in pages.items()}
        base = timed["inbox (baseline)"]["p50_ms"]
        for summary in timed.values():
            summary["p50_vs_inbox"] = round(summary["p50_ms"] / base, 2)
        db.session.remove()
        db.engine.dispose()
    return {"database": url.split(":", 1)[0], "calls": calls, "pages": timed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100, help="timed requests per page")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench_pages.db"
    print(json.dumps(run(url, args.calls), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
