"""The domain model: pure Python, no I/O (entities, value objects, workflow, calendar)."""
