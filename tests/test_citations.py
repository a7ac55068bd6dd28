"""What the code and the docs cite is in the repository: every ``*.md`` or ``*.txt`` they name is a
file here (a path from the repository root, or a name beside the citing file), and nothing points at
an issue tracker the repository does not hold."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITING = ("engine", "forms", "timers", "web", "workflows", "bench", "tests", "docs")
DOCUMENT = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.(?:md|txt))\b")
ISSUE = re.compile(r"\b[Ii]ssue \d+\b")


def citing_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for top in CITING:
        files += [p for p in (ROOT / top).rglob("*") if p.suffix in {".py", ".md", ".html"}
                  and "sources" not in p.relative_to(ROOT).parts and "node_modules" not in p.parts]
    return sorted(files)


def prose(path: Path) -> str:
    """What a file says to its reader: all of a document; a module's docstrings and comments."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    nodes = ast.walk(ast.parse(text))
    docstrings = [ast.get_docstring(node) or "" for node in nodes
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)]
    comments = [token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
                if token.type == tokenize.COMMENT]
    return "\n".join(docstrings + comments)


def unresolved(path: Path, root: Path = ROOT) -> list[str]:
    text = prose(path)
    where = path.relative_to(root)
    problems = [f"{where}: {name}" for name in DOCUMENT.findall(text)
                if not (root / name).is_file() and not (path.parent / name).is_file()]
    return problems + [f"{where}: {match}" for match in ISSUE.findall(text)]


def test_every_cited_document_is_a_file_in_the_repository() -> None:
    files = citing_files()
    assert len(files) > 100 and ROOT / "workflows" / "README.md" in files
    assert [problem for path in files for problem in unresolved(path)] == []


def test_the_check_reports_a_document_outside_the_repository_and_an_issue_number(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("beside me", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "api.md").write_text("the API", encoding="utf-8")
    module = tmp_path / "module.py"
    module.write_text('"""As DOMAIN.md says (issue 7); see docs/api.md and README.md."""\n'
                      'UPLOAD = "notes.txt"  # not ../shared/x.md\n', encoding="utf-8")
    assert unresolved(module, root=tmp_path) == [
        "module.py: DOMAIN.md", "module.py: ../shared/x.md", "module.py: issue 7"]
