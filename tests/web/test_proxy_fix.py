"""PROXY_FIX_HOPS: behind a TLS proxy the app sees the client's scheme, host and address; without the
setting, forged X-Forwarded-* headers change nothing."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, jsonify, request

from web import create_app

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "families.council.example",
             "X-Forwarded-For": "203.0.113.7"}


def app_with(tmp_path: Path, **settings: object) -> Flask:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                      "INSTANCE_PATH": str(tmp_path), "SCHEDULER_ENABLED": False, **settings})
    app.add_url_rule("/probe", "probe", lambda: jsonify(url=request.url, remote=request.remote_addr))
    return app


def test_one_trusted_proxy_sets_scheme_host_and_client_address(tmp_path: Path) -> None:
    seen = app_with(tmp_path, PROXY_FIX_HOPS=1).test_client().get("/probe", headers=FORWARDED).json
    assert seen == {"url": "https://families.council.example/probe", "remote": "203.0.113.7"}


def test_without_a_trusted_proxy_the_headers_are_ignored(tmp_path: Path) -> None:
    seen = app_with(tmp_path).test_client().get("/probe", headers=FORWARDED).json
    assert seen == {"url": "http://localhost/probe", "remote": "127.0.0.1"}
