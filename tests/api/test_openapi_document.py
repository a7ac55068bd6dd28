"""``GET /api/v1/openapi.json``: a well-formed OpenAPI 3.0 document that lists the API's routes."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

METHODS = {"get", "put", "post", "delete", "patch"}


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [node["$ref"]] if "$ref" in node else [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, path) the API blueprint serves, written as the document writes paths."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            found |= {(method.lower(), path) for method in rule.methods or () if method.lower() in METHODS}
    return found


def test_the_document_is_well_formed_openapi(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.0.") and document["info"] == {"title": "Family journeys API",
                                                                           "version": "1"}
    assert document["servers"] == [{"url": "/api/v1"}]
    schemes = document["components"]["securitySchemes"]
    for path, operations in document["paths"].items():
        assert path.startswith("/") and operations and set(operations) <= METHODS, path
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["summary"] and operation["responses"], where
            assert all(re.fullmatch(r"[1-5]\d\d", status) for status in operation["responses"]), where
            assert all("description" in answer or "$ref" in answer for answer in operation["responses"].values())
            assert all(name in schemes for need in operation["security"] for name in need), where
            parameters = operation.get("parameters", [])
            assert all(p["in"] in ("path", "query", "header") and "schema" in p for p in parameters), where
            assert {p["name"] for p in parameters if p["in"] == "path"} == set(re.findall(r"{(\w+)}", path)), where
    for pointer in refs(document):  # every $ref points inside the document
        assert pointer.startswith("#/") and resolve(document, pointer) is not None, pointer


def test_the_document_lists_every_api_route(app: Flask, client: Any) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    listed = {(method, path) for path, operations in document["paths"].items() for method in operations}
    served = routes(app)
    assert listed <= served, listed - served  # nothing documented that is not served
    assert served == listed
