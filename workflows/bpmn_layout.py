"""Give BPMN files a diagram (BPMN DI) so they open cleanly in a modeler: ``python -m workflows.bpmn_layout F...``.

The semantic XML is the source of truth; the layout is regenerated from it. Columns follow the longest
path from the start (back edges, i.e. loops, ignored), rows are the lanes (a lane grows when two
nodes share a column), and each embedded subprocess is drawn collapsed with its own drill-down plane.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI_NS = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "dc": "http://www.omg.org/spec/DD/20100524/DC",
         "di": "http://www.omg.org/spec/DD/20100524/DI"}
NODE_TAGS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "userTask", "serviceTask",
             "scriptTask", "manualTask", "task", "sendTask", "receiveTask", "businessRuleTask", "callActivity",
             "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
COL_W, ROW_H, LABEL_W, PAD = 160, 130, 30, 40


def size(tag: str) -> tuple[int, int]:
    if tag.endswith("Event"):
        return 36, 36
    if tag.endswith("Gateway"):
        return 50, 50
    return 100, 80


def local(element: Any) -> str:
    return str(etree.QName(element).localname)


def di(tag: str, parent: Any, **attrs: str) -> Any:
    prefix, name = tag.split(":")
    return etree.SubElement(parent, f"{{{DI_NS[prefix]}}}{name}", {k: str(v) for k, v in attrs.items()})


def columns(nodes: dict[str, Any], flows: list[Any]) -> tuple[dict[str, int], set[str]]:
    """Longest-path layering from the start events; returns the columns and the ids of back edges."""
    outgoing: dict[str, list[tuple[str, str]]] = {n: [] for n in nodes}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append((flow.get("id"), flow.get("targetRef")))
    back: set[str] = set()
    state: dict[str, int] = {}

    def visit(node: str) -> None:  # depth-first: an edge to a node on the stack closes a loop
        state[node] = 1
        for flow_id, target in outgoing.get(node, []):
            if state.get(target) == 1:
                back.add(flow_id)
            elif target not in state:
                visit(target)
        state[node] = 2

    for start in [n for n, e in nodes.items() if local(e) == "startEvent"] + list(nodes):
        if start not in state:
            visit(start)
    column = {n: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for flow in flows:
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            if flow.get("id") not in back and source in column and target in column:
                if column[target] < column[source] + 1:
                    column[target], changed = column[source] + 1, True
        if not changed:
            break
    return column, back


def layout(container: Any, plane: Any, origin: tuple[int, int], lane_of: dict[str, int], lanes: list[Any],
           draw_lanes: bool) -> tuple[int, int]:
    """Draw one process or subprocess into ``plane``; returns its width and height."""
    nodes = {e.get("id"): e for e in container if local(e) in NODE_TAGS}
    flows = [e for e in container if local(e) == "sequenceFlow"]
    column, back = columns(nodes, flows)
    rows: dict[tuple[int, int], int] = {}
    slot: dict[str, tuple[int, int]] = {}
    for node_id in sorted(nodes, key=lambda n: (column[n], list(nodes).index(n))):
        key = (lane_of.get(node_id, 0), column[node_id])
        slot[node_id] = (key[0], rows.get(key, 0))
        rows[key] = rows.get(key, 0) + 1
    lane_rows = [max([r for (lane, _), r in rows.items() if lane == i] or [1]) for i in range(max(len(lanes), 1))]
    lane_top = [origin[1] + sum(lane_rows[:i]) * ROW_H for i in range(len(lane_rows))]
    width = LABEL_W + PAD * 2 + (max(column.values(), default=0) + 1) * COL_W
    bounds: dict[str, tuple[int, int, int, int]] = {}
    for node_id, element in nodes.items():
        w, h = size(local(element))
        lane, row = slot[node_id]
        x = origin[0] + LABEL_W + PAD + column[node_id] * COL_W + (100 - w) // 2
        y = lane_top[lane] + row * ROW_H + 25 + (80 - h) // 2
        bounds[node_id] = (x, y, w, h)
        attrs = {"id": f"{node_id}_di", "bpmnElement": node_id}
        if local(element) == "subProcess":
            attrs["isExpanded"] = "false"
        shape = di("bpmndi:BPMNShape", plane, **attrs)
        di("dc:Bounds", shape, x=str(x), y=str(y), width=str(w), height=str(h))
    for boundary in (e for e in container if local(e) == "boundaryEvent"):
        hx, hy, hw, hh = bounds[boundary.get("attachedToRef")]
        bounds[boundary.get("id")] = (hx + hw - 30, hy + hh - 18, 36, 36)
        shape = di("bpmndi:BPMNShape", plane, id=f"{boundary.get('id')}_di", bpmnElement=boundary.get("id"))
        di("dc:Bounds", shape, x=str(hx + hw - 30), y=str(hy + hh - 18), width="36", height="36")
    for flow in flows:
        edge = di("bpmndi:BPMNEdge", plane, id=f"{flow.get('id')}_di", bpmnElement=flow.get("id"))
        for x, y in waypoints(bounds[flow.get("sourceRef")], bounds[flow.get("targetRef")],
                              flow.get("id") in back):
            di("di:waypoint", edge, x=str(x), y=str(y))
    if draw_lanes:
        for i, lane in enumerate(lanes):
            shape = di("bpmndi:BPMNShape", plane, id=f"{lane.get('id')}_di", bpmnElement=lane.get("id"),
                       isHorizontal="true")
            di("dc:Bounds", shape, x=str(origin[0] + LABEL_W), y=str(lane_top[i]), width=str(width - LABEL_W),
               height=str(lane_rows[i] * ROW_H))
    return width, sum(lane_rows) * ROW_H


def waypoints(s: tuple[int, int, int, int], t: tuple[int, int, int, int], back: bool) -> Iterable[tuple[int, int]]:
    sx, sy, sw, sh = s
    tx, ty, tw, th = t
    if back:  # loops go round underneath
        low = max(sy + sh, ty + th) + 20
        return [(sx + sw // 2, sy + sh), (sx + sw // 2, low), (tx + tw // 2, low), (tx + tw // 2, ty + th)]
    start, end = (sx + sw, sy + sh // 2), (tx, ty + th // 2)
    if start[1] == end[1]:
        return [start, end]
    middle = (start[0] + end[0]) // 2
    return [start, (middle, start[1]), (middle, end[1]), end]


def lanes_of(container: Any) -> tuple[list[Any], dict[str, int]]:
    lanes = container.findall(f"{{{BPMN}}}laneSet/{{{BPMN}}}lane")
    lane_of = {ref.text.strip(): i for i, lane in enumerate(lanes) for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")}
    return lanes, lane_of


def add_diagram(path: Path) -> None:
    tree = etree.parse(str(path), etree.XMLParser(remove_blank_text=False))
    root = tree.getroot()
    for old in root.findall("bpmndi:BPMNDiagram", DI_NS):
        root.remove(old)
    collaboration = root.find(f"{{{BPMN}}}collaboration")
    diagram = di("bpmndi:BPMNDiagram", root, id=f"{root.get('id')}_diagram")
    plane = di("bpmndi:BPMNPlane", diagram, id=f"{root.get('id')}_plane",
               bpmnElement=collaboration.get("id") if collaboration is not None else "")
    top = 0
    processes = {p.get("id"): p for p in root.findall(f"{{{BPMN}}}process")}
    participants = collaboration.findall(f"{{{BPMN}}}participant") if collaboration is not None else []
    for participant in participants:
        process = processes[participant.get("processRef")]
        lanes, lane_of = lanes_of(process)
        shape = di("bpmndi:BPMNShape", plane, id=f"{participant.get('id')}_di", bpmnElement=participant.get("id"),
                   isHorizontal="true")
        bounds = di("dc:Bounds", shape, x="0", y=str(top))
        width, height = layout(process, plane, (0, top), lane_of, lanes, draw_lanes=True)
        bounds.set("width", str(width))
        bounds.set("height", str(height))
        top += height + 60
        for sub in process.iter(f"{{{BPMN}}}subProcess"):
            sub_diagram = di("bpmndi:BPMNDiagram", root, id=f"{sub.get('id')}_diagram")
            sub_plane = di("bpmndi:BPMNPlane", sub_diagram, id=f"{sub.get('id')}_plane", bpmnElement=sub.get("id"))
            sub_lanes, sub_lane_of = lanes_of(sub)
            layout(sub, sub_plane, (0, 0), sub_lane_of, sub_lanes, draw_lanes=False)
    etree.indent(root.find("bpmndi:BPMNDiagram", DI_NS), level=1)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        add_diagram(Path(name))
