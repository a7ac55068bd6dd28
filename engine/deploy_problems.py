"""What a refused deploy tells the modeller: every problem names its file, process, element (id and
name) and line, and says in words what to change.

The checks (SpiffWorkflow's parser and schema, lanes, forms, operations, scripts) each know what they
know: a file and an element id, or only a line. ``located`` fills in the rest from the XML itself with
lxml, so every check, present and future, reports the same fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine import spiff

BPMN = f"{{{spiff.BPMN_NS}}}"

# What to change, for the refusals a modeller meets most, keyed by the library's (or our) wording.
_FIXES: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern, re.IGNORECASE), fix) for pattern, fix in [
    (r"Service Task must have an operator",
     "choose one of the registered operations for the service task (spiffworkflow:serviceTaskOperator), "
     "or make it a user or manual task if a person does the work"),
    (r"exclusive outgoing sequence flow without condition|without condition",
     "give the flow a condition expression, or make it the gateway's default flow"),
    (r"Multiple outgoing flows are not supported",
     "put a parallel gateway after the element to split the flow (several outgoing flows from a task "
     "are an implicit split this engine does not run)"),
    (r"The process '.*' was not found",
     "set the call activity's called element (calledElement) to the id of a process in the bundle, or "
     "upload the called process's file with it"),
    (r"Duplicate process ID",
     "give each process its own id: a process id may appear in only one file of the bundle"),
    (r"no support implemented for this task type",
     "draw it with the elements this engine runs: an exclusive, inclusive or parallel gateway for a "
     "complex gateway, a subprocess for an ad hoc one"),
    (r"Cancel Events may only be used with transactions",
     "use an error boundary event and an error end event, or put the task in a transaction subprocess"),
    (r"loopMaximum or loopCondition must be specified",
     "give the loop a loop condition or a maximum, or draw the loop with an exclusive gateway back"),
    (r"No matching global declaration available for the validation root|Undefined namespace prefix",
     "upload a BPMN process in a .bpmn file and a DMN decision in a .dmn file (save it again from the "
     "modeller)"),
    (r"No DMN Diagram available with id",
     "upload the .dmn file holding that decision with the bundle, or set the task's decision id to one "
     "that it holds"),
    (r"Exactly one start event is required",
     "give the subprocess exactly one plain start event, connected to its first step"),
    (r"Data Store .* has no implementation",
     "remove the data store; keep the data in a data object or in process data"),
    (r"multiinstance task must specify a cardinality",
     "give the multi-instance a loop cardinality (a number or expression) or an input collection "
     "(loopDataInputRef)"),
    (r"Time Specification Error|Unknown Time Specification",
     "give the timer a time expression in quotes, e.g. \"P3D\" (duration), \"2027-03-01T09:00:00+00:00\" "
     "(date) or \"R3/PT1H\" (cycle)"),
    (r"does not name a known group",
     "rename the lane to one of the groups people belong to (e.g. case_manager), or create that group first"),
    (r"user task must sit in a lane", "draw a lane for the group who does the task and put the task in it"),
    (r"is not in the forms registry", "set the task's 'form' property to a form in the forms registry"),
    (r"operation '.*' is not registered", "use one of the registered service task operations"),
    (r"This element is not expected|is not a valid value|attribute .* is not allowed|is required but missing|"
     r"Missing child element",
     "change the element at that line to what the BPMN 2.0 schema allows there (the message lists it)"),
    (r"XML does not parse", "fix the XML at that line (save the file again from the modeller)"),
    (r"only \.bpmn and \.dmn", "upload only .bpmn and .dmn files"),
]]


def fix_for(reason: str) -> str | None:
    for pattern, fix in _FIXES:
        if pattern.search(reason):
            return fix
    return None


def located(roots: Mapping[str, Any], problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each problem with ``process_id``, ``element_id``, ``element_name``, ``line`` and ``fix`` filled in
    where the XML can tell (a problem that already says one keeps it)."""
    return [_locate(roots, dict(problem)) for problem in problems]


def _locate(roots: Mapping[str, Any], problem: dict[str, Any]) -> dict[str, Any]:
    file, element = _find(roots, problem)
    if file is not None:
        problem["file"] = file
    if element is not None:
        problem["element_id"] = problem.get("element_id") or element.get("id")
        problem.setdefault("element_name", element.get("name"))
        problem["line"] = problem.get("line") or element.sourceline
        problem.setdefault("process_id", _process_of(element) or _process_using(roots, element.get("id")))
    problem.setdefault("process_id", None)
    problem.setdefault("element_name", None)
    problem.setdefault("line", None)
    problem["reason"] = str(problem.get("reason", "")).replace(BPMN, "bpmn:")
    if not problem.get("fix"):
        problem["fix"] = fix_for(str(problem.get("reason", "")))
    return problem


def _find(roots: Mapping[str, Any], problem: dict[str, Any]) -> tuple[str | None, Any]:
    """The element a problem is about: by id (in its file first), else by the line, else by a name the
    reason quotes (SpiffWorkflow names a data store only by its name)."""
    file, element_id, line = problem.get("file"), problem.get("element_id"), problem.get("line")
    ordered = sorted(roots.items(), key=lambda item: item[0] != file)
    if element_id:
        for name, root in ordered:
            found = root.xpath("//*[@id=$id]", id=element_id)
            if found:
                return name, found[0]
    root = roots.get(file) if isinstance(file, str) else None
    if root is not None and isinstance(line, int):
        return file, _innermost_at(root, line)
    reason = str(problem.get("reason", ""))
    quoted = re.search(r"with name (.+?) has", reason)
    if quoted:
        for name, root in ordered:
            found = root.xpath("//*[@name=$name and @id]", name=quoted.group(1))
            if found:
                return name, found[0]
    called = re.search(r"The process '(.+?)' was not found", reason)  # a call activity's calledElement
    if called:
        for name, root in ordered:
            found = root.xpath("//*[@calledElement=$id]", id=called.group(1))
            if found:
                return name, found[0]
    if root is not None:  # a file the parser rejected as a whole: its root element
        return file, root
    return None, None


def _innermost_at(root: Any, line: int) -> Any:
    """Schema errors carry only a line: the innermost element with an id that starts at or before it."""
    found = None
    for element in root.iter():
        if isinstance(element.tag, str) and element.sourceline is not None and element.sourceline <= line \
                and element.get("id"):
            found = element
    return found


def _process_of(element: Any) -> str | None:
    node = element
    while node is not None:
        if node.tag == f"{BPMN}process":
            return str(node.get("id"))
        if node.tag == f"{BPMN}participant" and node.get("processRef"):
            return str(node.get("processRef"))
        node = node.getparent()
    return None


def _process_using(roots: Mapping[str, Any], element_id: str | None) -> str | None:
    """A definitions-level element (a data store, a message) belongs to the process that refers to it,
    else to the bundle's one executable process."""
    processes = [process for root in roots.values() for process in root.iter(f"{BPMN}process")]
    for process in processes:
        if element_id and process.xpath(".//@*[. = $id]", id=element_id):
            return str(process.get("id"))
    executable = [process for process in processes if process.get("isExecutable") == "true"]
    return str(executable[0].get("id")) if len(executable) == 1 else None


def not_executable(roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A bundle with no executable process: one problem per process it holds, each listing them all."""
    processes = [(name, process) for name, root in roots.items() for process in root.iter(f"{BPMN}process")]
    if not processes:
        first = sorted(roots)[0] if roots else "-"
        root = roots.get(first)
        return [{"file": first, "element_id": root.get("id") if root is not None else None,
                 "line": root.sourceline if root is not None else None, "reason": "the bundle holds no process",
                 "fix": "upload a BPMN file with a bpmn:process in it"}]
    listed = ", ".join(f"'{p.get('id')}'" + (f" ({p.get('name')})" if p.get("name") else "") for _, p in processes)
    return [{"file": name, "element_id": process.get("id"),
             "reason": f"the bundle holds no executable process; it holds {listed}",
             "fix": "mark the process to run executable (isExecutable=\"true\" on its bpmn:process; in the "
                    "modeller, tick 'Executable' on the process or pool)"}
            for name, process in processes]


def unsupported(roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the parser would accept and the engine cannot run (compensation, a link with no catch), or
    would refuse in words that place nothing (a reference that names nothing)."""
    return compensation(roots) + unmatched_links(roots) + dangling_references(roots)


# A reference attribute and the elements it must name. The parser fails on an unknown message, error,
# signal or escalation with a TypeError of its own, on a flow to nowhere with "we found two items,
# perhaps a form has the same ID?" at the start event, and deploys a boundary event attached to
# nothing, which then never fires.
_BUNDLE_REFERENCES = {"messageRef": "message", "signalRef": "signal", "errorRef": "error",
                      "escalationRef": "escalation"}
_PROCESS_REFERENCES = {"sourceRef": "sequenceFlow", "targetRef": "sequenceFlow", "attachedToRef": "boundaryEvent"}


def dangling_references(roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    defined = {kind: {str(e.get("id")) for root in roots.values() for e in root.iter(f"{BPMN}{kind}")}
               for kind in _BUNDLE_REFERENCES.values()}
    problems = []
    for name, root in roots.items():
        ids = {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        for element in root.iter():
            if not isinstance(element.tag, str) or not element.tag.startswith(BPMN):
                continue
            tag = element.tag.removeprefix(BPMN)
            for attribute, kind in _BUNDLE_REFERENCES.items():
                ref = element.get(attribute)
                if ref is not None and tag != "messageFlow" and ref not in defined[kind]:
                    problems.append(_dangling(name, element, attribute, ref, f"no bpmn:{kind} in the bundle has",
                                              f"define a bpmn:{kind} with id '{ref}' at the top of the file (in "
                                              f"the modeller, pick or create the {kind} on the event), or name "
                                              "an existing one"))
            for attribute, holder in _PROCESS_REFERENCES.items():
                ref = element.get(attribute)
                if tag == holder and ref is not None and ref not in ids:
                    problems.append(_dangling(name, element, attribute, ref, "no element of the file has",
                                              "connect it to an element of the diagram (save the file again "
                                              "from the modeller)"))
    return problems


def _dangling(file: str, element: Any, attribute: str, ref: str, missing: str, fix: str) -> dict[str, Any]:
    # An event definition has no name of its own: the problem is its event's.
    owner = element.getparent() if element.tag.endswith("EventDefinition") else element
    return {"file": file, "element_id": owner.get("id"), "line": element.sourceline,
            "reason": f"{attribute} '{ref}' names nothing: {missing} the id '{ref}'", "fix": fix}


def unmatched_links(roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"file": name, "element_id": event.get("id"), "line": event.sourceline,
             "reason": f"link throw '{link}' has no link catch event of the same name in its process or subprocess",
             "fix": f"add an intermediate link catch event named '{link}' where the path carries on, "
                    "or give this link the name of an existing catch"}
            for name, root in roots.items() for event, link in spiff.unmatched_link_throws(root)]


def compensation(roots: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Compensation parses but SpiffWorkflow 3.2 has no behaviour for it: refused, with what to draw."""
    problems: dict[tuple[str, str | None], dict[str, Any]] = {}
    for name, root in roots.items():
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            is_handler = element.get("isForCompensation") == "true"
            if element.tag == f"{BPMN}compensateEventDefinition":
                element = element.getparent()
            elif not is_handler:
                continue
            problems[(name, element.get("id"))] = {
                "file": name, "element_id": element.get("id"), "line": element.sourceline,
                "reason": "compensation is not supported: this engine (SpiffWorkflow 3.2) has no compensation "
                          "behaviour, so the undo step would never run",
                "fix": "draw the undo steps as ordinary tasks on the path that needs them (for example after "
                       "an error boundary event or an exclusive gateway), and remove the compensation "
                       "event or isForCompensation",
            }
    return list(problems.values())
