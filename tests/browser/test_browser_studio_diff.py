"""The diagram diff bundle (web/ui/bundles/studio-diff.js, built by `make install` into the gitignored
web/ui/static/build/): it exists, the app serves it, and in Chromium it marks what two versions of a
process add, remove and change, with a class and a badge in words on each element. No page uses it yet,
so the test draws two bpmn-js viewers on a blank page with the scripts injected from disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "web" / "ui" / "static" / "build" / "studio-diff.js"
VIEWER = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
CSS = ROOT / "web" / "ui" / "static" / "studio-diff.css"

# Version 1: start -> Assessment -> Plan -> end. Version 2 renames Assessment, inserts Record consent
# (so the flow into Plan is new and the old one removed) and drops nothing else.
SHAPES = {"start": (100, 100, 36, 36), "assess": (180, 78, 100, 80), "consent": (330, 78, 100, 80),
          "plan": (480, 78, 100, 80), "end": (632, 100, 36, 36)}


def version(tasks: list[tuple[str, str]]) -> str:
    nodes = ['<bpmn:startEvent id="start"/>', '<bpmn:endEvent id="end"/>']
    nodes += [f'<bpmn:userTask id="{task_id}" name="{name}"/>' for task_id, name in tasks]
    chain = ["start", *(task_id for task_id, _ in tasks), "end"]
    pairs = list(zip(chain, chain[1:], strict=False))
    flows = [f'<bpmn:sequenceFlow id="{a}_{b}" sourceRef="{a}" targetRef="{b}"/>' for a, b in pairs]
    shapes = [f'<bpmndi:BPMNShape id="{n}_di" bpmnElement="{n}"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>'
              f"</bpmndi:BPMNShape>" for n, (x, y, w, h) in SHAPES.items() if n in chain]
    edges = [f'<bpmndi:BPMNEdge id="{a}_{b}_di" bpmnElement="{a}_{b}">'
             f'<di:waypoint x="{SHAPES[a][0] + SHAPES[a][2]}" y="118"/><di:waypoint x="{SHAPES[b][0]}" y="118"/>'
             f"</bpmndi:BPMNEdge>" for a, b in pairs]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="t">'
        f'<bpmn:process id="journey" isExecutable="true">{"".join(nodes + flows)}</bpmn:process>'
        f'<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="journey">{"".join(shapes + edges)}'
        "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    )


OLD = version([("assess", "Assessment"), ("plan", "Plan")])
NEW = version([("assess", "Assess the family"), ("consent", "Record consent"), ("plan", "Plan")])


def test_the_install_built_the_bundle_and_the_app_serves_it(client: FlaskClient) -> None:
    assert BUILT.is_file(), "make install runs `npm run build` (esbuild) into web/ui/static/build/"
    response = client.get("/assets/app/build/studio-diff.js")
    assert response.status_code == 200
    assert b"StudioDiff" in response.data


@pytest.fixture
def blank(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    opened = context.new_page()
    opened.set_content('<main><div id="old" style="height:300px"></div>'
                       '<div id="new" style="height:300px"></div></main>')
    opened.add_style_tag(path=str(CSS))
    opened.add_script_tag(path=str(VIEWER))
    opened.add_script_tag(path=str(BUILT))
    yield opened
    context.close()


def test_the_diff_marks_added_removed_and_changed_elements_with_a_badge_in_words(blank: Any) -> None:
    found = blank.evaluate(
        """async ([oldXML, newXML]) => {
            const before = new window.BpmnJS({ container: '#old' })
            const after = new window.BpmnJS({ container: '#new' })
            return window.StudioDiff.showDiff(before, after, oldXML, newXML)
        }""",
        [OLD, NEW],
    )
    assert found == {"added": ["assess_consent", "consent", "consent_plan"], "removed": ["assess_plan"],
                     "changed": ["assess"]}

    def marked(side: str, kind: str) -> list[str]:
        return sorted(blank.eval_on_selector_all(f"#{side} .app-diff--{kind}",
                                                 "els => els.map(e => e.dataset.elementId)"))

    def badges(side: str) -> list[str]:
        return sorted(blank.eval_on_selector_all(f"#{side} .app-diff-badge", "els => els.map(e => e.textContent)"))

    assert marked("new", "added") == ["assess_consent", "consent", "consent_plan"]
    assert marked("old", "removed") == ["assess_plan"]
    assert marked("old", "changed") == marked("new", "changed") == ["assess"]
    assert marked("old", "added") == marked("new", "removed") == []
    assert badges("old") == ["changed", "removed"]
    assert badges("new") == ["added", "added", "added", "changed"]


def test_the_same_version_twice_marks_nothing(blank: Any) -> None:
    found = blank.evaluate(
        """async (xml) => window.StudioDiff.showDiff(
            new window.BpmnJS({ container: '#old' }), new window.BpmnJS({ container: '#new' }), xml, xml)""",
        OLD,
    )
    assert found == {"added": [], "removed": [], "changed": []}
    assert blank.locator(".app-diff-badge").count() == 0
