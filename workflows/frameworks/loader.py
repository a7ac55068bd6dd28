"""Find, parse and cache framework files.

Every ``*.yaml`` file in a frameworks directory is one framework version. All of them are validated
whenever the directory is read, so a broken or duplicated file is refused at start-up, not when the
first family that uses it reaches a timer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from workflows.frameworks.model import Framework
from workflows.frameworks.schema import FrameworkError, parse_framework
from workflows.strict_yaml import load_yaml

FRAMEWORKS_DIR = Path(__file__).resolve().parent


def validate_framework_file(path: str | Path) -> Framework:
    """Parse and validate one framework file; raise FrameworkError naming the file and indicator."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FrameworkError(path.name, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise FrameworkError(path.name, f"is not valid YAML: {exc}") from exc
    return parse_framework(data, path.name)


def load_frameworks(directory: str | Path = FRAMEWORKS_DIR) -> dict[str, Framework]:
    """Every framework in ``directory`` by id; refuses two files with the same id."""
    frameworks: dict[str, Framework] = {}
    files: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        framework = validate_framework_file(path)
        if framework.id in frameworks:
            raise FrameworkError(
                path.name,
                f"id {framework.id!r} is already used by {files[framework.id]}: "
                "a framework version is never edited in place, give the new version a new id",
            )
        frameworks[framework.id] = framework
        files[framework.id] = path.name
    return frameworks


@cache
def _default_frameworks() -> dict[str, Framework]:
    return load_frameworks(FRAMEWORKS_DIR)


def load_framework(framework_id: str) -> Framework:
    """The framework with this id from the project's frameworks directory (cached)."""
    frameworks = _default_frameworks()
    try:
        return frameworks[framework_id]
    except KeyError:
        known = ", ".join(sorted(frameworks))
        raise ValueError(f"unknown framework {framework_id!r}; known frameworks: {known}") from None


def available_frameworks() -> list[str]:
    """The ids of the project's frameworks, sorted."""
    return sorted(_default_frameworks())
