"""The API's contract: request and response schemas (the OpenAPI document is generated from them)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, post_dump, validate

from forms.fields import IN_RANGE

BIGINT_MAX = 2**63 - 1  # an id beyond this cannot exist (and PostgreSQL refuses it in a query)
INT_MAX = 2**31 - 1  # an INTEGER column's largest value


def moment(description: str = "a timezone-aware ISO 8601 datetime", **options: Any) -> fields.AwareDateTime:
    """A datetime a caller sends: aware, and between 1900 and 2199, so nothing computed from it overflows."""
    return fields.AwareDateTime(validate=IN_RANGE, metadata={"description": description}, **options)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ErrorBody(Schema):
    code = fields.Str(required=True, metadata={"description": "a stable code from docs/api.md"})
    message = fields.Str(required=True)
    details = fields.Raw(allow_none=True, metadata={"description": "field errors for 422, context otherwise"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class DeployedVersionSchema(Schema):
    process_id = fields.Str()
    version = fields.Int(metadata={"description": "the process's own version number (1, 2, 3... per process)"})
    sha256 = fields.Str(metadata={"description": "sha256 of the process's own content"})
    created = fields.Bool(metadata={"description": "false: the content was its current version's, nothing changed"})


class DeployResultSchema(Schema):
    versions = fields.List(fields.Nested(DeployedVersionSchema))
    created = fields.Bool(metadata={"description": "whether any process got a new version (then 201, else 200)"})


class VersionSummarySchema(Schema):
    version = fields.Int()
    sha256 = fields.Str()
    published_by = fields.Str()
    published_at = fields.AwareDateTime()
    note = fields.Str(metadata={"description": "the change note given when it was published"})
    diff_summary = fields.Str(metadata={"description": "elements added, removed and changed since the version "
                                                       "that was current before it"})


class DefinitionSchema(Schema):
    process_id = fields.Str()
    name = fields.Str(allow_none=True)
    current = fields.Int(metadata={"description": "the current version: the one new instances pin"})
    inbox_fields = fields.List(fields.Str())
    versions = fields.List(fields.Nested(VersionSummarySchema), metadata={"description": "newest first"})


class DefinitionsSchema(Schema):
    items = fields.List(fields.Nested(DefinitionSchema))


class VersionFileSchema(Schema):
    name = fields.Str()
    bytes = fields.Int()


class ProcessVersionDetailSchema(VersionSummarySchema):
    process_id = fields.Str()
    name = fields.Str(allow_none=True)
    current = fields.Bool()
    bundle = fields.Int(metadata={"description": "the number of the bundle (the upload) holding its content"})
    properties = fields.Dict(keys=fields.Str(), values=fields.Str())
    files = fields.List(fields.Nested(VersionFileSchema), metadata={
        "description": "the bundle's files; GET .../files/{name} gives each one's bytes"})
    live = fields.List(fields.Nested("LiveCountSchema"), metadata={
        "description": "how many live instances wait at each element of this version: counts only"})


class DiffQuerySchema(StrictSchema):
    """``?from=&to=``: two version numbers of one process; any other parameter is refused (422)."""
    from_ = fields.Int(required=True, data_key="from", validate=validate.Range(min=1, max=INT_MAX))
    to = fields.Int(required=True, validate=validate.Range(min=1, max=INT_MAX))


class VersionDiffSchema(Schema):
    process_id = fields.Str()
    from_ = fields.Int(data_key="from")
    to = fields.Int()
    changes = fields.List(fields.Str(), metadata={
        "description": "each change in words, in a fixed order; empty when the process runs the same"})


class LiveCountSchema(Schema):
    version = fields.Int()
    element_id = fields.Str()
    kind = fields.Str(metadata={"description": "what it waits for: user_task, manual_task, timer, message, "
                                               "receive_task, signal, condition, event_gateway, call_activity, "
                                               "or incident (an errored instance, where it failed)"})
    instances = fields.Int()


class LiveCountsSchema(Schema):
    process_id = fields.Str()
    items = fields.List(fields.Nested(LiveCountSchema))


class StartInstanceSchema(StrictSchema):
    process_id = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    business_key = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=255))
    data = fields.Dict(keys=fields.Str(), load_default=dict)
    version = fields.Int(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=INT_MAX))


class ThrowSignalSchema(StrictSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    payload = fields.Dict(keys=fields.Str(), load_default=dict)


class SignalResultSchema(Schema):
    delivered = fields.Int()


class CompleteTaskSchema(StrictSchema):
    data = fields.Dict(keys=fields.Str(), required=True)


class TaskSchema(Schema):
    class Meta:
        unknown = INCLUDE  # documented as open: each inbox field (family_ref, district) is also a top-level key

    id = fields.Str()
    name = fields.Str()
    bpmn_id = fields.Str()
    instance_id = fields.Int()
    process_id = fields.Str()
    group = fields.Str(attribute="group_id")
    team = fields.Str(attribute="team_id", allow_none=True)
    assignee = fields.Str(allow_none=True)
    state = fields.Str()
    priority = fields.Int()
    created_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    completed_by = fields.Str(allow_none=True)
    form = fields.Str(attribute="form_key", allow_none=True)
    fields_ = fields.Dict(attribute="fields", data_key="fields")

    @post_dump(pass_original=True)
    def inbox_fields_at_top(self, data: dict[str, Any], original: Any, **_: Any) -> dict[str, Any]:
        """Each inbox field also appears as a top-level key (``family_ref``), never hiding a task key."""
        for name, value in (original.fields or {}).items():
            data.setdefault(name, value)
        return data


class TaskPageSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    next = fields.Str(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form_schema = fields.Dict(allow_none=True, metadata={"description": "JSON Schema of the task's form"})
    data = fields.Dict()


class TaskQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # other parameters are inbox-field filters (family_ref=...)

    state = fields.Str(load_default="open", validate=validate.OneOf(["open", "completed", "cancelled"]))
    group = fields.Str()
    assignee = fields.Str()
    team = fields.Str()
    instance_id = fields.Int(validate=validate.Range(min=1, max=BIGINT_MAX))
    bpmn_id = fields.Str()
    overdue = fields.Bool()
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.Str()


class IncidentSchema(Schema):
    message = fields.Str(attribute="error_message")
    task_id = fields.Str(attribute="error_task_id", allow_none=True)
    element_id = fields.Str(attribute="error_element_id", allow_none=True)
    line = fields.Int(attribute="error_line", allow_none=True)


class InstanceSchema(Schema):
    id = fields.Int()
    status = fields.Str()
    process_id = fields.Str()
    version = fields.Int(metadata={"description": "the version of its process it runs"})
    pins = fields.Dict(keys=fields.Str(), values=fields.Int(), metadata={
        "description": "process id -> version number: its process and every process it calls, pinned at start"})
    business_key = fields.Str(allow_none=True)
    next_timer_due_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    ended_at = fields.AwareDateTime(allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema))
    data = fields.Dict()
    incident = fields.Nested(IncidentSchema, allow_none=True)


class InstanceRefSchema(Schema):
    id = fields.Int()
    status = fields.Str()


class EventSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    actor = fields.Str()
    at = fields.AwareDateTime()
    task_id = fields.Str(allow_none=True)
    bpmn_id = fields.Str(allow_none=True)
    data = fields.Raw(allow_none=True)


class HistorySchema(Schema):
    items = fields.List(fields.Nested(EventSchema))


class CompletionSchema(Schema):
    task_id = fields.Str()
    instance_id = fields.Int()
    instance_status = fields.Str()
