"""SpiffWorkflow's exceptions, named once: the engine catches and raises them only through here.

    SpiffWorkflowException        anything the library raises on purpose
      WorkflowException           a workflow refused an operation (e.g. an event nothing waits for)
        WorkflowTaskException     a task failed; carries ``task`` and, for scripts, ``line_number``
      ValidationException         a BPMN/DMN file the parser refused; carries file, id and line
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException

__all__ = ["SpiffWorkflowException", "ValidationException", "WorkflowException", "WorkflowTaskException"]
