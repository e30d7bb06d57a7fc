"""schemathesis hooks of scripts/fuzz (loaded through scripts/fuzz.toml)."""

import schemathesis


@schemathesis.hook
def map_case(context, case):
    """A cursor is an opaque token that only a previous page's `next_cursor` provides: no generated
    string is one, so a case meant to be valid asks for the first page instead."""
    if case.meta is not None and case.meta.generation.mode.is_positive:
        for container in (case.query, case.body):
            if isinstance(container, dict):
                container.pop("cursor", None)
    return case


@schemathesis.hook
def filter_case(context, case):
    """Stateful steps fill path parameters from earlier responses; a `null` there (an API client's
    `provider_id` when it has none) would reach the path as the text `None`, which no API has."""
    return all(value is not None for value in (case.path_parameters or {}).values())
