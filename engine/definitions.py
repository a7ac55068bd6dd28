"""Deploying bundles of BPMN/DMN files as versions numbered per process, pins, and the parsed-spec cache."""

from __future__ import annotations

import ast
import hashlib
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import bpmn_xml, deploy_problems, spiff, versions
from engine.errors import DeployRefused, NotFound, PublishRace
from engine.locking import serialised
from engine.models import DefinitionMessage, DefinitionProcess, DefinitionVersion, Group
from engine.spiff import SpiffWorkflowException, ValidationException
from engine.steps import cycle_problem

ALLOWED_SUFFIXES = (".bpmn", ".dmn")
NOTE_LIMIT = versions.NOTE_LIMIT  # the longest change note, for the API to say so before any work
_PINNED_CACHE_SIZE = 256  # distinct pin sets whose called specs are kept
# Untrusted uploads: no external entities, no network, no huge trees.
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=False)

ExpressionChecker = Callable[[spiff.ParsedBundle, Mapping[str, Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class DeployedProcess:
    process_id: str
    version: int  # the process's own number: 1, 2, 3... of this process
    sha256: str  # the process's own content (engine/versions.py)
    created: bool = False  # False when the content is its current version's: nothing was published


@dataclass
class LoadedVersion:
    """A stored version, parsed once and cached: its specs and each process's deploy-time properties."""

    id: int
    version: int
    bundle: spiff.ParsedBundle
    processes: dict[str, DefinitionProcess]


def as_utf8(content: bytes) -> bytes:
    """The file in UTF-8, as it is stored (versions keep text): a file in another encoding its XML
    declaration names (UTF-16, ISO-8859-1) is re-encoded; one that does not parse is left for the
    parse to refuse with its line."""
    try:
        tree = etree.fromstring(content, parser=_SAFE_XML).getroottree()
    except etree.XMLSyntaxError:
        return content
    if (tree.docinfo.encoding or "UTF-8").upper() in ("UTF-8", "ASCII", "US-ASCII"):
        return content
    return bytes(etree.tostring(tree, encoding="UTF-8", xml_declaration=True))


def bundle_sha256(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def _problem(file: str, element_id: str | None, reason: str, line: int | None = None) -> dict[str, Any]:
    return {"file": file, "element_id": element_id, "reason": reason, "line": line}


class Definitions:
    """Validates and stores bundles; hands out parsed specs per version (parsed once per process)."""

    def __init__(
        self,
        *,
        forms: Collection[str],
        operations: Collection[str],
        expression_checker: ExpressionChecker | None = None,
        timer_cycle_floor_s: float = 60.0,
    ) -> None:
        self._forms = forms
        self._timer_cycle_floor_s = timer_cycle_floor_s
        self._operations = operations
        self._expression_checker = expression_checker
        self._cache: dict[int, LoadedVersion] = {}
        self._bundles: dict[tuple[str, int], int] = {}  # (process id, version number) -> its bundle
        # (process, bundle, pins) -> the called specs an instance with those pins runs
        self._pinned: dict[tuple[str, int, tuple[tuple[str, int], ...]], dict[str, spiff.ProcessSpec]] = {}
        self._lock = threading.Lock()

    # -- deploy ---------------------------------------------------------------------------------

    def deploy(
        self, session: Session, files: Mapping[str, bytes], *, actor: str, now: datetime, note: str,
        before_write: Callable[[spiff.ParsedBundle, Mapping[str, Any]], None] | None = None,
    ) -> list[DeployedProcess]:
        """Validate a bundle and publish the next version of each process whose content changed.

        Content identical to a process's current version publishes nothing for it (``created`` False);
        identical to an older version, it is a new current version (a rollback). Every publish needs a
        change ``note``. ``before_write`` runs on a valid bundle before any row is written: whatever it
        evaluates (and however long) holds no lock that another deploy would wait on.
        """
        note = versions.check_note(note)
        if not files:
            raise DeployRefused([_problem("-", None, "no files were uploaded")])
        files = {name: as_utf8(content) for name, content in files.items()}
        sha = bundle_sha256(files)
        roots = self._read(files)
        # What this publish is checked against: another publish making a newer version meanwhile wins.
        seen = versions.current_numbers(session, sorted(versions.top_level_processes(roots)))
        known_groups = set(session.scalars(select(Group.id)))
        try:
            with spiff.parsing_depth():
                bundle = self._parse(roots)
            problems = list(self._check_lanes(roots, known_groups))
            problems += self._check_tasks(bundle, roots)
            if self._expression_checker is not None:
                problems += self._expression_checker(bundle, roots)
            if problems:
                raise DeployRefused(problems)
            if before_write is not None:
                before_write(bundle, roots)
        except DeployRefused as refused:  # every check's problems name process, element, line and a fix
            raise DeployRefused(deploy_problems.located(roots, refused.problems)) from None
        hashes = versions.process_hashes(roots, sorted(bundle.specs))
        serialised(session, "deploy")  # concurrent deploys take numbers in turn (held until the commit)
        versions.check_not_overtaken(session, seen, sorted(hashes))
        if not versions.changed(session, hashes):  # every process as its current version: nothing to write
            return self._as_deployed(versions.publish_nothing(session, hashes))
        # A bundle deployed before (a rollback of all its files) is reused: its files are stored already.
        row = session.scalar(select(DefinitionVersion).where(DefinitionVersion.sha256 == sha))
        if row is None:
            row = self._store_bundle(session, files, bundle, roots, sha=sha, actor=actor, now=now)
        try:
            published = versions.publish(session, row, roots, hashes, note=note, actor=actor, now=now)
        except IntegrityError as error:  # the unique (process_id, number): a publish the lock did not see
            raise PublishRace("another publish of the same process won the race; look at the current "
                              "version and publish again") from error
        return self._as_deployed(published)

    def _store_bundle(self, session: Session, files: Mapping[str, bytes], bundle: spiff.ParsedBundle,
                      roots: Mapping[str, Any], *, sha: str, actor: str, now: datetime) -> DefinitionVersion:
        number = (session.scalar(select(func.max(DefinitionVersion.version))) or 0) + 1
        row = DefinitionVersion(
            version=number,
            sha256=sha,
            files={name: content.decode("utf-8") for name, content in files.items()},
            deployed_by=actor,
            deployed_at=now,
        )
        session.add(row)
        session.flush()
        for process_id in bundle.specs:
            name, properties = bpmn_xml.process_properties(roots, process_id)
            inbox = [f.strip() for f in properties.get("inbox_fields", "").split(",") if f.strip()]
            session.add(
                DefinitionProcess(
                    version_id=row.id, process_id=process_id, name=name, inbox_fields=inbox, properties=properties
                )
            )
        for message in bpmn_xml.messages(roots, bundle):
            session.add(DefinitionMessage(version_id=row.id, **message))
        session.flush()
        return row

    @staticmethod
    def _as_deployed(published: list[versions.Published]) -> list[DeployedProcess]:
        return [DeployedProcess(process_id=p.process_id, version=p.number, sha256=p.sha256, created=p.created)
                for p in published]

    @staticmethod
    def _read(files: Mapping[str, bytes]) -> dict[str, Any]:
        problems: list[dict[str, Any]] = []
        roots: dict[str, Any] = {}
        for name, content in sorted(files.items()):
            if not name.lower().endswith(ALLOWED_SUFFIXES):
                problems.append(_problem(name, None, "only .bpmn and .dmn files can be deployed"))
                continue
            try:
                roots[name] = etree.fromstring(content, parser=_SAFE_XML)
            except etree.XMLSyntaxError as error:
                problems.append(_problem(name, None, f"XML does not parse: {error.msg}", error.lineno))
        if problems:
            raise DeployRefused(deploy_problems.located(roots, problems))
        return roots

    def _parse(self, roots: dict[str, Any]) -> spiff.ParsedBundle:
        problems = deploy_problems.unsupported(roots)
        if problems:  # e.g. the parser would refuse a compensation boundary with a raw NotImplementedError
            raise DeployRefused(problems)
        parser = spiff.new_parser()
        for name, root in roots.items():
            try:
                spiff.add_file(parser, name, root)
            except ValidationException as error:
                problems.append(_validation_problem(error, name))
            except (SpiffWorkflowException, etree.LxmlError, ValueError, KeyError, NotImplementedError) as error:
                problems.append(_problem(name, None, f"the parser rejected the file: {error}"))
        if problems:
            raise DeployRefused(problems)
        bundle = spiff.ParsedBundle()
        process_ids = parser.get_process_ids()
        if not process_ids:
            raise DeployRefused(deploy_problems.not_executable(roots))
        for process_id in process_ids:
            try:
                bundle.specs[process_id] = parser.get_spec(process_id)
                bundle.subprocess_specs[process_id] = parser.get_subprocess_specs(process_id)
            except ValidationException as error:
                file = error.file_name or bpmn_xml.file_of(roots, process_id)
                problems.append(_validation_problem(error, file))
            except (SpiffWorkflowException, RecursionError, KeyError, ValueError, NotImplementedError) as error:
                file = bpmn_xml.file_of(roots, process_id)
                problems.append(_problem(file, process_id, f"the parser rejected it: {error}"))
        if problems:
            raise DeployRefused(problems)
        spiff.finish_bundle(bundle, roots)
        return bundle

    @staticmethod
    def _check_lanes(roots: Mapping[str, Any], known_groups: set[str]) -> Iterable[dict[str, Any]]:
        for name, root in roots.items():
            for lane_id, lane_name in spiff.iter_lanes(root):
                if lane_name not in known_groups:
                    yield _problem(name, lane_id, f"lane '{lane_name}' does not name a known group")

    def _check_tasks(self, bundle: spiff.ParsedBundle, roots: Mapping[str, Any]) -> list[dict[str, Any]]:
        problems = []
        for task_spec, file in spiff.iter_task_specs(bundle):
            element = task_spec.bpmn_id
            if getattr(task_spec, "manual", False):
                if task_spec.lane is None:
                    problems.append(_problem(file, element,
                                             "a user task must sit in a lane (its lane names its group)"))
                form = spiff.task_properties_of_spec(task_spec).get("form")
                if form is not None and form not in self._forms:
                    problems.append(_problem(file, element, f"form '{form}' is not in the forms registry"))
            cycle = spiff.cycle_expression(task_spec)
            if cycle is not None:
                problem = self._cycle_problem(cycle)
                if problem is not None:
                    held = bpmn_xml.code_holder(roots.get(file), element, cycle)
                    problems.append({**_problem(file, element, problem, held[1].sourceline if held else None),
                                     "fix": self._cycle_fix(problem)})
            operation = spiff.operation_name(task_spec)
            if operation is not None and operation not in self._operations:
                problems.append(_problem(file, element, f"service task operation '{operation}' is not registered"))
        return problems

    def _cycle_fix(self, problem: str) -> str:
        if "repeats every" in problem:
            return (f"repeat no more often than every {self._timer_cycle_floor_s:g} s, "
                    'e.g. "R/PT1H" (every hour) or "R3/P1D" (three times, a day apart)')
        return 'write a repeating interval in quotes, e.g. "R3/P1D" (three times, a day apart) or "R/PT1H"'

    def _cycle_problem(self, expression: str) -> str | None:
        """A literal cycle is judged now; one computed from data is judged when it is evaluated."""
        try:
            value = ast.literal_eval(expression.strip())
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        return cycle_problem(value, self._timer_cycle_floor_s)

    # -- loading --------------------------------------------------------------------------------

    def clear_cache(self) -> None:
        """Forget parsed versions (tests empty the database between cases, so ids are reused)."""
        with self._lock:
            self._cache.clear()
            self._bundles.clear()
            self._pinned.clear()

    def load(self, session: Session, version_id: int) -> LoadedVersion:
        cached = self._cache.get(version_id)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._cache.get(version_id)
            if cached is None:
                row = session.get(DefinitionVersion, version_id)
                if row is None:
                    raise NotFound(f"definition version {version_id} does not exist")
                processes = {
                    p.process_id: p
                    for p in session.scalars(
                        select(DefinitionProcess).where(DefinitionProcess.version_id == version_id)
                    )
                }
                for process in processes.values():
                    session.expunge(process)
                cached = LoadedVersion(row.id, row.version, spiff.parse_bundle(row.files), processes)
                self._cache[version_id] = cached
        return cached

    def resolve(self, session: Session, process_id: str, version: int | None = None) -> LoadedVersion:
        """The bundle holding the current version of ``process_id``, or its version number ``version``."""
        return self.load(session, self._bundle_of(session, process_id, version))

    def _bundle_of(self, session: Session, process_id: str, number: int | None) -> int:
        if number is not None:
            cached = self._bundles.get((process_id, number))  # versions never change: kept for good
            if cached is not None:
                return cached
        row = versions.find(session, process_id, number)
        if row is None:
            suffix = f" version {number}" if number is not None else ""
            raise NotFound(f"process '{process_id}'{suffix} is not deployed")
        self._bundles[(process_id, row.number)] = row.bundle_id
        return row.bundle_id

    def pins(self, session: Session, process_id: str, version: int | None = None) -> dict[str, int]:
        """What a new instance pins: the named (or current) version of its process and the current version
        of every process it calls, transitively, each read from its own version's content."""
        pinned: dict[str, int] = {}
        queue: list[tuple[str, int | None]] = [(process_id, version)]
        while queue:
            called, number = queue.pop()
            if called in pinned:
                continue
            row = versions.find(session, called, number)
            if row is None:
                if called == process_id:
                    suffix = f" version {number}" if number is not None else ""
                    raise NotFound(f"process '{process_id}'{suffix} is not deployed")
                continue  # an embedded subprocess: part of its process's content
            pinned[called] = row.number
            self._bundles[(called, row.number)] = row.bundle_id
            loaded = self.load(session, row.bundle_id)
            queue.extend((key, None) for key in sorted(loaded.bundle.subprocess_specs.get(called, {})))
        return pinned

    def specs(self, session: Session, process_id: str, version_id: int,
              pins: Mapping[str, int] | None) -> tuple[spiff.ProcessSpec, dict[str, spiff.ProcessSpec]]:
        """An instance's spec and the specs of what it calls: from its pins, or (an instance from before
        versions were kept per process) all from its own bundle."""
        loaded = self.load(session, version_id)
        spec, own = loaded.bundle.specs[process_id], loaded.bundle.subprocess_specs[process_id]
        if not pins:
            return spec, own
        key = (process_id, version_id, tuple(sorted(pins.items())))
        cached = self._pinned.get(key)
        if cached is None:
            cached = {}
            self._collect(session, own, pins, cached)
            with self._lock:
                if len(self._pinned) >= _PINNED_CACHE_SIZE:
                    self._pinned.pop(next(iter(self._pinned)))
                self._pinned[key] = cached
        return spec, cached

    def _collect(self, session: Session, called: Mapping[str, spiff.ProcessSpec], pins: Mapping[str, int],
                 into: dict[str, spiff.ProcessSpec]) -> None:
        """Each called process from its pinned version's bundle (and what that version calls); an
        embedded subprocess, versioned with its process, as its bundle holds it (pinned processes first, so
        a called process's embedded subprocesses come from its pinned version, not an older bundle's)."""
        for key, spec in sorted(called.items(), key=lambda item: item[0] not in pins):
            if key in into:
                continue
            if key not in pins:
                into[key] = spec
                continue
            loaded = self.load(session, self._bundle_of(session, key, pins[key]))
            into[key] = loaded.bundle.specs[key]
            self._collect(session, loaded.bundle.subprocess_specs.get(key, {}), pins, into)


def _validation_problem(error: ValidationException, fallback_file: str) -> dict[str, Any]:
    """The library's message; schema errors carry only a line, its own checks only an element id
    (``deploy_problems.located`` adds the other)."""
    line = error.line_number if isinstance(error.line_number, int) and error.line_number > 0 else None
    return _problem(error.file_name or fallback_file, error.id or None, str(error).split("\n")[0].strip(), line)
