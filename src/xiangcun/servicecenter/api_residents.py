"""Service-centre API: residents at the counter (/api/v1/servicecenter/residents).

Agents for their own station and the staff above them (who name the station); anyone else is
403. Errors answer `{"code", "message"}`: consent_required 400, invalid_id_number 400,
invalid_phone 400, unknown_village 400, invalid_search 400, not_an_agent / not_your_station
403, station_required 409.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.regions.selectors import village_id_for_code
from xiangcun.servicecenter.selectors.residents import resident_row, residents_find
from xiangcun.servicecenter.services.residents import resident_register_assisted
from xiangcun.servicecenter.types import ResidentRow

router = Router(auth=ApiTokenAuth())

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class ResidentOut(Schema):
    id: int
    name: str
    phone_masked: str = Field(description='e.g. "138****0004"; "" for a resident with no phone.')
    village: str
    village_code: str
    id_number_masked: str = Field(description='e.g. "522***********123X"; never in clear.')
    has_login: bool = Field(description="Whether the resident has a login of their own.")


class ResidentListOut(Schema):
    items: list[ResidentOut]
    count: int


class FindIn(Schema):
    q: Annotated[Text, Field(max_length=64)] = Field(
        "",
        description=(
            "A mobile number (or its last 4 to 10 digits), an ID card number (18 characters, "
            "checked), or a name and village; empty lists the station's residents."
        ),
    )
    station: Id | None = Field(None, description="Staff above the agents name the station.")
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class ResidentIn(Schema):
    name: Annotated[Text, Field(max_length=64)]
    village: Annotated[str, Field(max_length=15)] | Annotated[int, Field(ge=0)] = Field(
        description="The village's division code, from /api/v1/regions/townships/{code}/villages."
    )
    phone: Annotated[Text, Field(max_length=20)] = Field(
        "", description="Optional: many residents have none."
    )
    id_number: Annotated[Text, Field(max_length=40)] = Field(
        "", description="Optional; kept only as a keyed hash and a masked form."
    )
    consent: bool = Field(
        False, description="The resident agreed that this station acts for them (required)."
    )
    station: Id | None = None


def _out(row: ResidentRow) -> ResidentOut:
    return ResidentOut(**row.__dict__)


@router.get(
    "/residents",
    response={200: ResidentListOut, **ERRORS},
    summary="Find residents who consented at your station",
)
def residents_list(request: HttpRequest, query: Query[FindIn]) -> ResidentListOut:
    rows = residents_find(
        actor=api_user(request), q=query.q, station_id=query.station, limit=query.limit
    )
    return ResidentListOut(items=[_out(row) for row in rows], count=len(rows))


@router.post(
    "/residents",
    response={201: ResidentOut, **ERRORS},
    summary="Register a resident (with their consent) at your station",
    description=(
        "A phone or ID card number that already belongs to a resident finds that resident: "
        "they get this station's consent and the answer is them (201 as well). A new resident "
        "with a phone gets a login for it (they sign in by SMS code on their own phone)."
    ),
)
def resident_create(request: HttpRequest, payload: ResidentIn) -> Status[ResidentOut]:
    actor = api_user(request)
    # An unknown code is 0, which the service refuses (after it checked who is asking).
    village_id = village_id_for_code(code=str(payload.village)) or 0
    resident = resident_register_assisted(
        actor=actor,
        name=payload.name,
        village_id=village_id,
        phone=payload.phone,
        id_number=payload.id_number,
        consent=payload.consent,
        station_id=payload.station,
    )
    return Status(201, _out(resident_row(resident)))
