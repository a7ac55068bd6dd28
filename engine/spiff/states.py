"""Task states by name: the library's ``TaskState`` bits, read once here, never as numbers elsewhere."""

from __future__ import annotations

from enum import Enum

from SpiffWorkflow.util.task import TaskState


class State(Enum):
    """A task's state (the library's TaskState docstring defines each). Values are its bits."""

    MAYBE = TaskState.MAYBE  # predicted, on a conditional branch
    LIKELY = TaskState.LIKELY  # predicted, on a default branch
    FUTURE = TaskState.FUTURE  # will be reached
    WAITING = TaskState.WAITING  # reached; waits for a timer, a message or a join
    READY = TaskState.READY  # may run now (a user task waits for people)
    STARTED = TaskState.STARTED  # running: a subprocess or call activity whose workflow has not ended
    COMPLETED = TaskState.COMPLETED
    ERROR = TaskState.ERROR
    CANCELLED = TaskState.CANCELLED

    @property
    def is_current(self) -> bool:
        """Where a workflow is now: waiting, ready or started."""
        return self in _CURRENT

    @classmethod
    def of(cls, value: int) -> State:
        """The state of a stored or live task's ``state`` value."""
        return cls(value)


_CURRENT = frozenset({State.WAITING, State.READY, State.STARTED})
