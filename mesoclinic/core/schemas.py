"""The API's shared shapes: the one error envelope, and the base of every input schema."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field


class ErrorOut(Schema):
    """Every error the API answers, whatever raised it (``mesoclinic.api`` translates them)."""

    error: str = Field(description="What went wrong, fit to show to the user.")
    fields: dict[str, list[str]] | None = Field(
        default=None,
        description=(
            "For 422: each refused field (a dotted path, e.g. concerns[0].zones) to its "
            "messages, each naming the bad value."
        ),
    )


class InputSchema(Schema):
    """The base of every request body: a field the API does not know is refused (422), never
    ignored, and the OpenAPI document says so (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid")
