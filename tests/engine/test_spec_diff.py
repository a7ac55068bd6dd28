"""The diff in words between two versions of one process (engine/spec_diff.py): small BPMN pairs, each
one change, and the real case management process with a task inserted into its XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import NotFound
from engine.spec_diff import describe_changes

ROOT = Path(__file__).resolve().parents[2]

# start -> Assessment -> Family Action Plan -> Route? -(route == 'cm')-> Case management -> Review due (P3M) -> end
#                                                      \-(default)----> Close -> end
BASE = (Path(__file__).parent / "bpmn" / "spec_diff_journey.bpmn").read_text(encoding="utf-8")


def changes(new: str, old: str = BASE, process_id: str = "journey") -> list[str]:
    return describe_changes({"journey.bpmn": old.encode()}, {"journey.bpmn": new.encode()}, process_id)


def edit(*pairs: tuple[str, str], text: str = BASE) -> str:
    """The text with each (old, new) replaced once; a pair that matches nothing fails the test's setup."""
    for before, after in pairs:
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    return text


RECORD_CONSENT = (
    ('<bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="plan"/>',
     '<bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="consent"/>'
     '<bpmn:userTask id="consent" name="Record consent"><bpmn:incoming>f2</bpmn:incoming>'
     '<bpmn:outgoing>f2b</bpmn:outgoing></bpmn:userTask>'
     '<bpmn:sequenceFlow id="f2b" sourceRef="consent" targetRef="plan"/>'),
    ('<bpmn:userTask id="plan" name="Family Action Plan"><bpmn:incoming>f2</bpmn:incoming>',
     '<bpmn:userTask id="plan" name="Family Action Plan"><bpmn:incoming>f2b</bpmn:incoming>'),
)


def test_an_inserted_task_is_named_with_what_it_sits_between() -> None:
    assert changes(edit(*RECORD_CONSENT)) == ["New task 'Record consent' between 'Assessment' and 'Family Action Plan'"]


def test_a_removed_task_is_named_with_where_it_was() -> None:
    removed = edit(
        ('<bpmn:userTask id="plan" name="Family Action Plan"><bpmn:incoming>f2</bpmn:incoming>'
         '<bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>', ""),
        ('<bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="plan"/>', ""),
        ('<bpmn:sequenceFlow id="f3" sourceRef="plan" targetRef="route"/>',
         '<bpmn:sequenceFlow id="f3" sourceRef="assess" targetRef="route"/>'),
        ('<bpmn:outgoing>f2</bpmn:outgoing>', '<bpmn:outgoing>f3</bpmn:outgoing>'),
        ('<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>', ""),
    )
    assert changes(removed) == ["Removed task 'Family Action Plan' (was between 'Assessment' and 'Route?')"]


def test_a_changed_timer_shows_both_durations() -> None:
    shorter = edit(('"P3M"', '"P1M"'))
    assert changes(shorter) == ["Timer 'Review due' changed from \"P3M\" to \"P1M\""]


def test_a_changed_condition_names_the_flow_by_its_ends() -> None:
    changed = edit(("route == 'cm'", "route in ('cm', 'eh')"))
    assert changes(changed) == [
        "Condition on the flow from 'Route?' to 'Case management' changed from `route == 'cm'` to "
        "`route in ('cm', 'eh')`"]


def test_a_renamed_task_says_both_names() -> None:
    assert changes(edit(('name="Family Action Plan"', 'name="Agree the plan"'))) == [
        "Task 'Family Action Plan' renamed to 'Agree the plan'"]


def test_the_same_process_says_nothing_even_when_only_its_layout_moved() -> None:
    assert changes(BASE) == []
    assert changes(edit(('x="100" y="100"', 'x="400" y="250"'))) == []


def test_an_element_without_a_name_is_named_by_its_id() -> None:
    unnamed = edit(('<bpmn:userTask id="case" name="Case management">', '<bpmn:userTask id="case">'))
    renamed = edit(('<bpmn:userTask id="case">', '<bpmn:userTask id="case" name="Work">'), text=unnamed)
    assert changes(renamed, old=unnamed) == ["Task 'case' renamed to 'Work'"]


def test_a_task_whose_id_changed_in_place_is_the_same_task_with_a_new_id() -> None:
    new_id = edit(('<bpmn:userTask id="plan"', '<bpmn:userTask id="plan_v2"'),
                  ('targetRef="plan"', 'targetRef="plan_v2"'), ('sourceRef="plan"', 'sourceRef="plan_v2"'),
                  ('<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>', '<bpmn:flowNodeRef>plan_v2</bpmn:flowNodeRef>'))
    assert changes(new_id) == ["Task 'Family Action Plan' has a new id 'plan_v2' (was 'plan')"]


def test_forms_lanes_scripts_and_defaults_are_said_in_file_order() -> None:
    changed = edit(
        ('<spiffworkflow:property name="form" value="assessment"/>',
         '<spiffworkflow:property name="form" value="assessment_v2"/>'),
        ('name="Case manager"', 'name="Case managers"'),
        ('<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>', ""),
        ('<bpmn:flowNodeRef>case</bpmn:flowNodeRef>', "<bpmn:flowNodeRef>case</bpmn:flowNodeRef>"
         "<bpmn:flowNodeRef>plan</bpmn:flowNodeRef>"),
        ("<bpmn:script>closed = True</bpmn:script>", "<bpmn:script>closed = 'yes'</bpmn:script>"),
    )
    assert changes(changed) == [
        "Lane 'Case manager' renamed to 'Case managers'",
        "Form of task 'Assessment' changed from 'assessment' to 'assessment_v2'",
        "Script of task 'Close' changed from `closed = True` to `closed = 'yes'`",
        "Task 'Family Action Plan' moved from lane 'Early help unit' to lane 'Case managers'",
    ]


def test_a_new_default_flow_and_the_conditions_that_moved_with_it() -> None:
    swapped = edit(
        ('default="f_close"', 'default="f_case"'),
        ("<bpmn:conditionExpression>route == 'cm'</bpmn:conditionExpression>", ""),
        ('<bpmn:sequenceFlow id="f_close" sourceRef="route" targetRef="close"/>',
         '<bpmn:sequenceFlow id="f_close" sourceRef="route" targetRef="close">'
         "<bpmn:conditionExpression>route != 'cm'</bpmn:conditionExpression></bpmn:sequenceFlow>"),
    )
    assert changes(swapped) == [
        "Flow from 'Route?' to 'Case management' no longer has a condition (was `route == 'cm'`)",
        "Flow from 'Route?' to 'Close' now has the condition `route != 'cm'`",
        "Default flow from 'Route?' changed from 'Close' to 'Case management'",
    ]


def test_a_new_flow_between_existing_tasks_is_said_with_its_condition() -> None:
    shortcut = edit(
        ('<bpmn:sequenceFlow id="f7"', '<bpmn:sequenceFlow id="f_skip" sourceRef="route" targetRef="end">'
         '<bpmn:conditionExpression>route == "none"</bpmn:conditionExpression></bpmn:sequenceFlow>'
         '<bpmn:sequenceFlow id="f7"'),
        ('<bpmn:outgoing>f_close</bpmn:outgoing>', '<bpmn:outgoing>f_close</bpmn:outgoing>'
         '<bpmn:outgoing>f_skip</bpmn:outgoing>'),
        ('<bpmn:incoming>f6</bpmn:incoming>', '<bpmn:incoming>f6</bpmn:incoming><bpmn:incoming>f_skip</bpmn:incoming>'),
    )
    assert changes(shortcut) == ["New flow from 'Route?' to 'Done' when `route == \"none\"`"]
    assert changes(BASE, old=shortcut) == ["Removed flow from 'Route?' to 'Done'"]


def test_a_call_activity_names_the_processes_it_calls() -> None:
    def calling(target: str) -> dict[str, bytes]:
        text = edit(('<bpmn:userTask id="case" name="Case management"><bpmn:incoming>f_case</bpmn:incoming>'
                     '<bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>',
                     f'<bpmn:callActivity id="case" name="Case management" calledElement="{target}">'
                     '<bpmn:incoming>f_case</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:callActivity>'))
        called = "".join(
            f'<bpmn:process id="{pid}" name="{name}" isExecutable="true"><bpmn:startEvent id="{pid}_s"/></bpmn:process>'
            for pid, name in (("early_help", "Early help"), ("family_team", "Family team")))
        return {"journey.bpmn": text.replace("<bpmndi:BPMNDiagram", called + "<bpmndi:BPMNDiagram").encode()}

    assert describe_changes(calling("early_help"), calling("family_team"), "journey") == [
        "Task 'Case management' now calls 'Family team' instead of 'Early help'"]


def test_a_process_missing_from_a_version_is_not_found() -> None:
    with pytest.raises(NotFound, match="No process 'elsewhere' in the files journey.bpmn"):
        changes(BASE, process_id="elsewhere")


def test_case_management_with_a_task_inserted_into_its_xml() -> None:
    path = ROOT / "workflows" / "bpmn" / "case_management.bpmn"
    old = path.read_bytes()
    new = old.decode()
    for before, after in (
        ('<bpmn:sequenceFlow id="c04" sourceRef="assess" targetRef="plan"/>',
         '<bpmn:sequenceFlow id="c04" sourceRef="assess" targetRef="consent"/>'
         '<bpmn:sequenceFlow id="c04b" sourceRef="consent" targetRef="plan"/>'
         '<bpmn:userTask id="consent" name="Record consent"><bpmn:extensionElements><spiffworkflow:properties>'
         '<spiffworkflow:property name="form" value="consent"/></spiffworkflow:properties></bpmn:extensionElements>'
         '<bpmn:incoming>c04</bpmn:incoming><bpmn:outgoing>c04b</bpmn:outgoing></bpmn:userTask>'),
        ('<bpmn:incoming>c04</bpmn:incoming><bpmn:outgoing>c05</bpmn:outgoing>',
         '<bpmn:incoming>c04b</bpmn:incoming><bpmn:outgoing>c05</bpmn:outgoing>'),
        ('<bpmn:flowNodeRef>assess</bpmn:flowNodeRef>',
         '<bpmn:flowNodeRef>assess</bpmn:flowNodeRef><bpmn:flowNodeRef>consent</bpmn:flowNodeRef>'),
    ):
        assert new.count(before) == 1, before
        new = new.replace(before, after)
    files = {"case_management.bpmn": old}
    assert describe_changes(files, {"case_management.bpmn": new.encode()}, "case_management") == [
        "New task 'Record consent' between 'Assess the whole family' and 'Agree the Family Action Plan'"]
    assert describe_changes(files, files, "case_management") == []


def test_changes_inside_embedded_subprocesses_are_said_without_the_processes_it_calls() -> None:
    # family_referral calls case_management and parenting_family_team, whose files are not here: each
    # process has versions of its own, so a version's files need not hold what it calls.
    files = {"family_referral.bpmn": (ROOT / "workflows" / "bpmn" / "family_referral.bpmn").read_bytes()}
    text = files["family_referral.bpmn"].decode()
    for before, after in (('<bpmn:timeDate>window["sustained_at"]</bpmn:timeDate>',
                           '<bpmn:timeDate>window["sustained_on"]</bpmn:timeDate>'),
                          ("<bpmn:loopDataInputRef>windows</bpmn:loopDataInputRef>",
                           "<bpmn:loopDataInputRef>open_windows</bpmn:loopDataInputRef>")):
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    assert describe_changes(files, {"family_referral.bpmn": text.encode()}, "family_referral") == [
        "Subprocess 'Sustain each outcome': its repetition's data input changed from `windows` to `open_windows`",
        "Timer 'Window ends' changed from window[\"sustained_at\"] to window[\"sustained_on\"]",
    ]


def test_a_boundary_timer_that_stops_interrupting_and_a_changed_property() -> None:
    path = ROOT / "workflows" / "bpmn" / "case_management.bpmn"
    old = path.read_bytes()
    new = old.decode()
    for before, after in (
        ('attachedToRef="review" cancelActivity="true"', 'attachedToRef="review" cancelActivity="false"'),
        ('<spiffworkflow:property name="due_at" value="next_review[&quot;due_at&quot;]"/>', ""),
        ('<bpmn:lane id="cm_lane_tm" name="team_manager">', '<bpmn:lane id="cm_lane_tm" name="Team managers">'),
    ):
        assert new.count(before) == 1, before
        new = new.replace(before, after)
    assert describe_changes({"c.bpmn": old}, {"c.bpmn": new.encode()}, "case_management") == [
        "Lane 'team_manager' renamed to 'Team managers'",
        "Task 'Review the action plan': due_at removed (was `next_review[\"due_at\"]`)",
        "Timer 'Review overdue' no longer interrupts 'Review the action plan': it runs beside it",
    ]
