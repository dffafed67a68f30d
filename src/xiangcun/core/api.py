"""What every app's JSON API shares: the error body, integers and text the database can hold,
the JSON parser that refuses what it cannot, and the error answers every operation documents.

Bad input is stopped here, at the edge, once for all endpoints: an integer past 64 bits, a lone
UTF-16 surrogate ("\\ud800") or a NUL in a JSON string, a body that is not UTF-8 or not a JSON
object. Each is a 400 `invalid_input` (see `xiangcun.api`), never a 500 from the database.
"""

import json
import math
from http import HTTPStatus
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.parser import Parser
from pydantic import AfterValidator, Field

from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import INT64_MAX, text_is_storable

INT64_MIN = -(2**63)


class ErrorOut(Schema):
    """Every error answer: a stable `code` for programs, a `message` in the caller's language."""

    code: str
    message: str
    field: str | None = None
    details: Any = None


class InvalidTextError(InvalidInputError):
    code = "invalid_input"
    default_message = _("The text holds characters that cannot be stored.")


class InvalidNumberError(InvalidInputError):
    code = "invalid_input"
    default_message = _("A number is too large.")


class InvalidBodyError(InvalidInputError):
    code = "invalid_input"
    default_message = _("The request body is not valid JSON.")


class BodyNotObjectError(InvalidInputError):
    # The body's shape, like a schema's validation error: 422.
    code = "invalid_input"
    status = 422
    default_message = _("The request body must be a JSON object.")


def _text_check(value: str) -> str:
    if not text_is_storable(value):
        raise ValueError("text holds NUL or an unpaired surrogate")
    return value


# Types for schema fields and path or query parameters.
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
"""A row's id: a positive 64-bit integer."""

Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
"""Any whole number a database column can hold (quantities, counts: the service checks sense)."""

PAGE_NUMBER_MAX = 1_000_000
PageNumber = Annotated[int, Field(ge=1, le=PAGE_NUMBER_MAX)]
"""A page of a list, from 1."""

Text = Annotated[str, AfterValidator(_text_check)]
"""A string that can be stored: no NUL, no unpaired surrogate."""


class _HugeInt(int):
    """An integer past 64 bits, kept while parsing so the error can name where it was."""


def _bounded_int(digits: str) -> int:
    number = int(digits)
    return number if INT64_MIN <= number <= INT64_MAX else _HugeInt(number)


def _finite_float(digits: str) -> float:
    number = float(digits)
    if not math.isfinite(number):
        raise InvalidNumberError
    return number


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser reads them.
    raise InvalidNumberError


def _check_values(value: Any) -> None:
    """Walk a parsed JSON value: refuse any key or string that cannot be stored and any
    integer past 64 bits, naming the field (`lines.0.quantity`)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not text_is_storable(item):
                raise InvalidTextError(field=path or None)
        elif isinstance(item, _HugeInt):
            raise InvalidNumberError(field=path or None)
        elif isinstance(item, dict):
            for key, child in item.items():
                if not text_is_storable(key):
                    raise InvalidTextError(field=path or None)
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), child)
                for index, child in enumerate(item)
            )


def json_load_checked(body: bytes) -> Any:
    """Parse a request body as strict UTF-8 JSON that the database can hold, or raise an
    `InvalidInputError`. Integers must fit 64 bits, numbers be finite, strings be storable."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidBodyError(_("The request body is not UTF-8 text.")) from error
    try:
        value = json.loads(
            text,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError) as error:
        raise InvalidBodyError from error
    _check_values(value)
    return value


class CheckedJsonParser(Parser):
    """The API's parser: a JSON body must be one object or `null` (ninja's Schema would read
    a list such as `[null, null]` as an object whose fields all take their defaults), and
    query strings and form fields must not carry NUL."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        value = json_load_checked(request.body)
        if value is not None and not isinstance(value, dict):
            raise BodyNotObjectError
        # `null` passes through: an optional body may be sent as null.
        return value  # type: ignore[return-value]  # ninja says dict, yet passes null on too

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        values = super().parse_querydict(data, list_fields, request)
        _check_values({key: value for key, value in values.items() if not hasattr(value, "read")})
        return values


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }


# What any operation may answer: bad input (400, 422), a refusal (403), a missing row (404),
# a conflict with the current state (409), too many attempts (429); and with a body, a body
# too large (413); with a token, a missing or expired token (401).
STANDARD_ERRORS = (400, 403, 404, 409, 422, 429)


def openapi_with_standard_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers every operation can give to each operation of an OpenAPI
    document (in place), all with the `ErrorOut` body, so a generated client can trust it."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="{model}"))
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = list(STANDARD_ERRORS)
            if operation.get("security"):
                statuses.append(401)
            if "requestBody" in operation:
                statuses.append(413)
            responses = operation["responses"]
            for status in sorted(statuses):
                responses.setdefault(status, _error_response(status))
    return document
