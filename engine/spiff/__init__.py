"""The engine's one boundary with SpiffWorkflow 3.2: no other module of engine, web, workflows, forms
or timers imports it (the tests and the benchmarks' bare-library baseline may).

The library ships no type information, so the rest of the engine sees it through typed names
(``Workflow``, ``Task``, ``ProcessSpec`` in types.py) and the functions below; a SpiffWorkflow upgrade
touches this package only. Where the engine departs from the bare library, it does so here:

- the state is serialized without its spec (serializer.py), and read without being restored (stored.py);
- timers read the project clock and clamp month ends (clock.py);
- messages are delivered with ``send_event`` and a refusal raises ``NotWaiting``, never ``catch()``;
  correlations are flat maps outside (messages.py);
- task states have names (states.py), never the library's numbers;
- link events are joined throw to catch before parsing (links.py); an event-based gateway's waits are
  listed branch by branch (tasks.py ``waiting_events``); a timer start fires once in its instance;
  an interrupting event subprocess interrupts (event_subprocesses.py), and an error or escalation one
  waits for its event, and a signal end event throws (parsing.py); conditional events are
  re-evaluated after every step (conditions.py); data objects are named by their names (parsing.py);
  where a workflow waits is read element by element with the process that draws it (waits.py).

tests/engine/test_layering.py fails if a module outside this package imports SpiffWorkflow.
"""

from engine.spiff.clock import install_month_end_clamping, read_time_from
from engine.spiff.conditions import fire_conditional_events
from engine.spiff.errors import SpiffWorkflowException, ValidationException, WorkflowException, WorkflowTaskException
from engine.spiff.event_subprocesses import interrupt as interrupt_for_event_subprocesses
from engine.spiff.links import unmatched_throws as unmatched_link_throws
from engine.spiff.messages import (
    SIGNAL_PREFIX,
    NotWaiting,
    Thrown,
    Wait,
    flatten,
    send_message,
    thrown_messages,
    waiting_messages,
)
from engine.spiff.parsing import (
    BPMN_NS,
    NS,
    PARSE_RECURSION_LIMIT,
    SPIFF_NS,
    ParsedBundle,
    add_file,
    iter_lanes,
    new_parser,
    parse_bundle,
    parsing_depth,
)
from engine.spiff.parsing import finish as finish_bundle
from engine.spiff.scripting import BasePythonScriptEngineEnvironment, PythonScriptEngine, TaskDataEnvironment
from engine.spiff.serializer import StateSerializer
from engine.spiff.sources import Source, sources_of
from engine.spiff.spec_diff import ElementChange, ProcessChanges, process_changes
from engine.spiff.specs import (
    MESSAGE_EVENT,
    TIMER_EVENTS,
    HumanTaskType,
    has_timer_start,
    human_task_types,
    iter_task_specs,
    message_starts,
    operation_name,
    spec_type,
    task_properties,
    task_properties_of_spec,
)
from engine.spiff.states import State
from engine.spiff.stored import StoredTask, StoredWorkflow, read_state
from engine.spiff.tasks import (
    data_at,
    find_task,
    has_ready_automatic_tasks,
    is_completed,
    is_ready,
    new_workflow,
    path_length,
    ready_human_tasks,
    tasks_changed_since,
)
from engine.spiff.timers import (
    StartTimer,
    boundary_deadline,
    cycle_expression,
    cycle_period_s,
    fire_start_timers,
    is_iso_duration,
    is_timer_date,
    start_timer,
    timer_due_times,
)
from engine.spiff.types import ProcessSpec, Task, TaskSpec, Workflow
from engine.spiff.waits import Waiting, process_of, waiting_elements

__all__ = [
    "SIGNAL_PREFIX",
    "fire_conditional_events",
    "finish_bundle",
    "interrupt_for_event_subprocesses",
    "unmatched_link_throws",
    "BPMN_NS", "MESSAGE_EVENT", "NS", "PARSE_RECURSION_LIMIT", "SPIFF_NS", "TIMER_EVENTS",
    "BasePythonScriptEngineEnvironment", "ElementChange", "HumanTaskType", "NotWaiting", "ParsedBundle", "ProcessSpec",
    "PythonScriptEngine", "Source", "SpiffWorkflowException", "StartTimer", "State", "StateSerializer", "StoredTask",
    "StoredWorkflow", "Task", "TaskDataEnvironment", "TaskSpec", "Thrown", "ValidationException", "Wait", "Workflow",
    "WorkflowException", "WorkflowTaskException", "add_file", "boundary_deadline", "cycle_expression", "cycle_period_s",
    "data_at", "find_task",
    "fire_start_timers", "flatten", "has_ready_automatic_tasks", "path_length", "has_timer_start", "human_task_types",
    "install_month_end_clamping", "is_completed", "is_iso_duration", "is_ready", "is_timer_date", "iter_lanes",
    "iter_task_specs", "message_starts", "new_parser", "new_workflow", "operation_name", "parse_bundle",
    "parsing_depth", "process_changes", "ProcessChanges", "read_state",
    "read_time_from", "ready_human_tasks", "send_message", "sources_of", "spec_type", "start_timer",
    "task_properties", "task_properties_of_spec", "tasks_changed_since", "thrown_messages", "timer_due_times",
    "waiting_messages", "Waiting", "process_of", "waiting_elements",
]
