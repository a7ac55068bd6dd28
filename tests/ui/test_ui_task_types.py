"""The inbox's task-type choices: one per name, the chosen one filtering on every element of its name."""

from __future__ import annotations

from web.ui.tasks.task_types import ids_of, type_choices

TYPES = {"Provide the evidence the audit found missing": ("evidence_by_case_manager", "evidence_by_ehu",
                                                          "evidence_by_pft"),
         "Stage 1 audit": ("audit_stage_1",)}


def test_one_choice_per_name_filters_on_every_element_of_that_name() -> None:
    assert type_choices(TYPES) == [("evidence_by_case_manager", "Provide the evidence the audit found missing"),
                                   ("audit_stage_1", "Stage 1 audit")]
    assert ids_of(TYPES, "evidence_by_case_manager") == ("evidence_by_case_manager", "evidence_by_ehu",
                                                         "evidence_by_pft")
    assert ids_of(TYPES, "approve") == ("approve",)  # an element not offered filters on itself alone
