"""Rasa checks every action server response against its JSON schema; do that with one validator.

Rasa 3.6 calls ``jsonschema.validate`` for each response, which first checks the large events
schema itself against the JSON Schema meta-schema and builds a new validator: measured with
py-spy, about a third of a turn's CPU time in the Rasa process went there (docs/benchmarks.md).
:func:`install` swaps in a validator built once from the same schema, so the same responses pass
and the same ones are refused, with the same error message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for


@lru_cache(maxsize=1)
def _validator() -> Any:
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate does on every call
    return cls(schema)


def validate_action_result(_action: Any, result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result`` with the validator built once."""
    from rasa.shared.constants import DOCS_BASE_URL

    error: ValidationError | None = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Make Rasa's remote actions use :func:`validate_action_result`."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result
