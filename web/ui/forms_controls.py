"""Builds the GOV.UK macro parameters for each question of a form (see forms_render)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from forms.spec import FieldSpec
from web.ui.forms_render import DATE_PARTS, Answers, Choices, Control, _is_boolean, _value, first, row_count


def _common(spec: FieldSpec, element: str, error: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"id": element, "name": element}
    if spec.hint:
        params["hint"] = {"text": spec.hint}
    if error:
        params["errorMessage"] = {"text": error}
    return params


def _legend(spec: FieldSpec) -> dict[str, Any]:
    return {"legend": {"text": spec.label, "classes": "govuk-fieldset__legend--s"}}


def _choices(spec: FieldSpec, choices_from: Choices) -> list[tuple[str, str]]:
    if spec.choices_from:
        return list(choices_from.get(spec.choices_from, ()))
    return [(_value(value), text) for value, text in spec.choices]


def _control(spec: FieldSpec, answers: Answers, errors: Mapping[str, str], choices_from: Choices,
             prefix: str) -> Control:
    element = prefix + spec.name
    error = errors.get(element)
    params = _common(spec, element, error)
    label = {"text": spec.label, "classes": "govuk-label--s"}
    control = Control(macro=spec.widget, id=element, label=spec.label, error=error, params=params, hint=spec.hint)
    widget = spec.widget
    if widget in ("text", "number"):
        params.update(label=label, value=first(answers, element))
        if spec.autocomplete:
            params["autocomplete"] = spec.autocomplete
        if widget == "number":
            params.update(inputmode="numeric", classes="govuk-input--width-5")
        control.macro = "input"
    elif widget == "textarea":
        params.update(label=label, value=first(answers, element), rows=4)
    elif widget == "select":
        current = first(answers, element)
        items = [{"value": "", "text": "Choose an option", "selected": current == ""}]
        items += [{"value": value, "text": text, "selected": value == current}
                  for value, text in _choices(spec, choices_from)]
        params.update(label=label, items=items)
    elif widget in ("radios", "checkboxes"):
        chosen = set(answers.get(element, []))
        items = [{"value": value, "text": text, "checked": value in chosen}
                 for value, text in _choices(spec, choices_from)]
        params.pop("id")
        params.update(idPrefix=element, items=items, fieldset=_legend(spec))
        if widget == "radios" and len(items) == 2 and all(len(str(i["text"])) < 10 for i in items):
            params["classes"] = "govuk-radios--inline"
        if _is_boolean(spec):
            params["fieldset"] = _legend(spec)
    elif widget == "date":
        error_class = " govuk-input--error" if error else ""
        params.update(
            namePrefix=element, fieldset=_legend(spec),
            items=[{"name": part, "label": part.capitalize(), "value": first(answers, f"{element}-{part}"),
                    "classes": ("govuk-input--width-4" if part == "year" else "govuk-input--width-2") + error_class,
                    "inputmode": "numeric"} for part in DATE_PARTS],
        )
        params.pop("name")
    elif widget == "fieldset":
        control.children = build_controls(spec.children, answers, errors, choices_from, f"{element}-")
    elif widget == "add_another":
        control.macro = "rows"
        control.rows = [build_controls(spec.children, answers, errors, choices_from, f"{element}-{i}-")
                        for i in range(row_count(answers, element))]
    return control


def build_controls(specs: Sequence[FieldSpec], answers: Answers, errors: Mapping[str, str],
                   choices_from: Choices, prefix: str = "") -> list[Control]:
    return [_control(spec, answers, errors, choices_from, prefix) for spec in specs]


def summary(controls: Sequence[Control], errors: Mapping[str, str]) -> list[dict[str, str]]:
    """The error summary's list, in the order the questions appear; form-wide errors first."""
    listed: list[dict[str, str]] = []
    seen: set[str] = set()

    def walk(items: Sequence[Control]) -> None:
        for control in items:
            if control.error:
                listed.append({"text": control.error, "href": control.href})
                seen.add(control.id)
            walk(control.children)
            for row in control.rows:
                walk(row)

    walk(controls)
    rest = [{"text": message, "href": f"#{element or 'task-form'}"} for element, message in errors.items()
            if element not in seen]
    return rest + listed
