"""The people's pages (web/ui) never import the JSON API (web/api): what both need lives in web/
(web/access_log.py, web/claim_file.py, web/errors.py) or further down (workflows, engine, forms)."""

from __future__ import annotations

from pathlib import Path

from tests.importgraph import ROOT, modules_used, python_files


def api_imports(files: list[Path]) -> list[str]:
    """``file:line module`` for every web.api module the files import."""
    found = []
    for path, line, module in modules_used(files, "web"):
        where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
        if module == "web.api" or module.startswith("web.api."):
            found.append(f"{where}:{line} {module}")
    return found


def test_the_pages_never_import_the_api() -> None:
    assert api_imports(python_files("web/ui")) == []


def test_the_check_reports_a_page_importing_the_api(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "from web.api import api\n"
        "from web.api.auth import current_actor\n"
        "def later():\n"
        "    import web.api.claims\n"
        "from web.access_log import logs_access\n",
        encoding="utf-8",
    )
    assert api_imports([page]) == ["page.py:1 web.api", "page.py:2 web.api.auth", "page.py:4 web.api.claims"]
