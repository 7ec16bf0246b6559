"""What the OpenAPI document says beyond what the test suite's exchanges show (tests/openapi_recorder.py)."""

# A static field's option is `{id, value}`; ids of options a caller made up are kept as sent (profiles._static).
OPEN_FIELDS = {"id": {"type": ["integer", "string", "null"]}, "value": {}}
