"""The buyer's address book under /api/v1/orders/addresses: list, add, change (or make the
default) and delete. Only the owner sees an address; anyone else is answered 404
saved_address_not_found, as if it did not exist.

Errors: invalid_address / unknown_division / division_mismatch / invalid_phone 400 (with the
field, under `address.`), too_many_saved_addresses 409, saved_address_not_found 404,
invalid_input 422 (the body's shape), not_authenticated 401.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.orders import services
from xiangcun.orders.models import SavedAddress

router = Router(auth=ApiTokenAuth())

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class SavedAddressIn(Schema):
    county_code: Text = Field(
        max_length=6, description='The county\'s GB/T 2260 code, e.g. "440106" (天河区).'
    )
    province: Text = Field("", max_length=32, description="Optional; must match the code.")
    city: Text = Field("", max_length=64, description="Optional; must match the code.")
    county: Text = Field("", max_length=64, description="Optional; must match the code.")
    street: Text = Field("", max_length=64, description="Town or street (乡镇/街道), optional.")
    detail: Text = Field(max_length=200)
    recipient: Text = Field(max_length=64)
    phone: Text = Field(max_length=20, description="A mainland mobile number.")
    is_default: bool = Field(False, description="Make this the default address.")


class SavedAddressPatch(Schema):
    """The fields to change; those left out keep their value."""

    county_code: Text | None = Field(None, max_length=6)
    province: Text | None = Field(None, max_length=32)
    city: Text | None = Field(None, max_length=64)
    county: Text | None = Field(None, max_length=64)
    street: Text | None = Field(None, max_length=64)
    detail: Text | None = Field(None, max_length=200)
    recipient: Text | None = Field(None, max_length=64)
    phone: Text | None = Field(None, max_length=20)
    is_default: bool | None = Field(None, description="true makes this the default address.")


class SavedAddressOut(Schema):
    id: int
    county_code: str
    province: str
    city: str
    county: str
    street: str
    detail: str
    recipient: str
    phone: str
    is_default: bool
    text: str = Field(description="The whole address as written on a parcel.")
    updated_at: datetime


class SavedAddressListOut(Schema):
    items: list[SavedAddressOut]
    count: int


_FIELDS = ("county_code", "province", "city", "county", "street", "detail", "recipient", "phone")


def _out(address: SavedAddress) -> SavedAddressOut:
    return SavedAddressOut(
        id=address.pk,
        **{name: getattr(address, name) for name in _FIELDS},
        is_default=address.is_default,
        text=address.text,
        updated_at=address.updated_at,
    )


@router.get(
    "", response={200: SavedAddressListOut, **ERRORS}, summary="My addresses, the default first"
)
def saved_address_list(request: HttpRequest) -> SavedAddressListOut:
    rows = services.saved_addresses_for(user=api_user(request))
    return SavedAddressListOut(items=[_out(row) for row in rows], count=len(rows))


@router.post(
    "",
    response={201: SavedAddressOut, **ERRORS},
    summary="Add an address (the first one becomes the default)",
)
def saved_address_add(request: HttpRequest, payload: SavedAddressIn) -> Status[SavedAddressOut]:
    data = payload.dict()
    make_default = bool(data.pop("is_default"))
    address = services.saved_address_create(
        actor=api_user(request), data=data, make_default=make_default
    )
    return Status(201, _out(address))


@router.patch(
    "/{address_id}",
    response={200: SavedAddressOut, **ERRORS},
    summary="Change an address, or make it the default",
)
def saved_address_change(
    request: HttpRequest, address_id: Id, payload: SavedAddressPatch
) -> SavedAddressOut:
    user = api_user(request)
    current = services.saved_address_get(user=user, address_id=address_id)
    changes = payload.dict(exclude_unset=True)
    make_default = bool(changes.pop("is_default", False))
    changes = {name: value for name, value in changes.items() if value is not None}
    if changes:
        data = {name: getattr(current, name) for name in _FIELDS}
        if "county_code" in changes:
            # A new county: the old names would contradict it.
            data.update(province="", city="", county="")
        data.update(changes)
        address = services.saved_address_update(
            actor=user, address_id=address_id, data=data, make_default=make_default
        )
    elif make_default:
        address = services.saved_address_make_default(actor=user, address_id=address_id)
    else:
        address = current
    return _out(address)


@router.delete(
    "/{address_id}", response={204: None, **ERRORS}, summary="Delete an address from my book"
)
def saved_address_remove(request: HttpRequest, address_id: Id) -> Status[None]:
    services.saved_address_delete(actor=api_user(request), address_id=address_id)
    return Status(204, None)
