"""Service-task operations the lifecycle BPMN names: intake, casework, follow-up and claims."""
