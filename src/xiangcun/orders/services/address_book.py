"""The buyer's address book: addresses anywhere in mainland China kept for checkout, one of
them the default. Only the owner reads or changes an address; anyone else is told it does not
exist."""

from typing import Any

from django.db import IntegrityError, transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.core.errors import PermissionDeniedError
from xiangcun.core.validators import text_check
from xiangcun.orders.errors import SavedAddressNotFoundError, TooManySavedAddressesError
from xiangcun.orders.models import SavedAddress
from xiangcun.orders.services._common import _is_id
from xiangcun.orders.services.address import _nationwide_normalized
from xiangcun.orders.services.shipment import address_checked

MAX_SAVED_ADDRESSES = 20
_FIELDS = ("county_code", "province", "city", "county", "street", "detail", "recipient", "phone")


def _owner_id(actor: AnyUser | None) -> int:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDeniedError
    return int(actor.pk)


def _checked(data: dict[str, Any]) -> dict[str, str]:
    """The address as it is saved: shaped like a checkout's, then checked by regions (names
    from the code). Errors name the field under `address.`."""
    if not isinstance(data, dict):
        data = {}
    text_check(**{name: value for name, value in data.items() if isinstance(value, str)})
    clean = _nationwide_normalized({name: data.get(name) for name in _FIELDS})
    return address_checked(clean)


def _rows_locked(owner_id: int) -> list[SavedAddress]:
    """The owner's addresses, locked in primary-key order: every change to the default takes
    these locks first, so two at once run one after the other."""
    return list(SavedAddress.objects.select_for_update().filter(user_id=owner_id).order_by("pk"))


def _own(rows: list[SavedAddress], address_id: object) -> SavedAddress:
    if _is_id(address_id):
        for row in rows:
            if row.pk == address_id:
                return row
    raise SavedAddressNotFoundError(field="address_id")


def _default_set(rows: list[SavedAddress], chosen: SavedAddress) -> None:
    """Make `chosen` the only default among the owner's locked rows."""
    others = [row.pk for row in rows if row.is_default and row.pk != chosen.pk]
    if others:
        SavedAddress.objects.filter(pk__in=others).update(is_default=False)
    if not chosen.is_default:
        chosen.is_default = True
        chosen.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def saved_address_create(
    *, actor: AnyUser | None, data: dict[str, Any], make_default: bool = False
) -> SavedAddress:
    """Save an address to the actor's book. The first one is the default; `make_default`
    makes this one the default. At most MAX_SAVED_ADDRESSES."""
    owner_id = _owner_id(actor)
    checked = _checked(data)
    rows = _rows_locked(owner_id)
    if len(rows) >= MAX_SAVED_ADDRESSES:
        raise TooManySavedAddressesError(limit=MAX_SAVED_ADDRESSES)
    address = SavedAddress(user_id=owner_id, is_default=False, **checked)
    address.save()
    if make_default or not rows:
        try:
            # A savepoint: with no rows to lock, a concurrent first address may take the
            # default first; then this one is not the default (unless asked to be).
            with transaction.atomic():
                _default_set([*rows, address], address)
        except IntegrityError:
            address.is_default = False
            if make_default:
                _default_set(_rows_locked(owner_id), address)
    return address


@transaction.atomic
def saved_address_update(
    *, actor: AnyUser | None, address_id: int, data: dict[str, Any], make_default: bool = False
) -> SavedAddress:
    """Change one of the actor's addresses (all of its fields, checked again)."""
    owner_id = _owner_id(actor)
    checked = _checked(data)
    rows = _rows_locked(owner_id)
    address = _own(rows, address_id)
    for name, value in checked.items():
        setattr(address, name, value)
    address.save(update_fields=[*checked, "updated_at"])
    if make_default:
        _default_set(rows, address)
    return address


@transaction.atomic
def saved_address_make_default(*, actor: AnyUser | None, address_id: int) -> SavedAddress:
    """Make one of the actor's addresses the default (the previous default no longer is)."""
    rows = _rows_locked(_owner_id(actor))
    address = _own(rows, address_id)
    _default_set(rows, address)
    return address


@transaction.atomic
def saved_address_delete(*, actor: AnyUser | None, address_id: int) -> None:
    """Delete one of the actor's addresses; when it was the default, the newest left becomes
    the default, so a book with addresses always has one."""
    rows = _rows_locked(_owner_id(actor))
    address = _own(rows, address_id)
    left = [row for row in rows if row.pk != address.pk]
    address.delete()
    if address.is_default and left:
        _default_set(left, max(left, key=lambda row: row.pk))


# Reads of the address book, for the orders app's own pages and API only (orders.selectors is
# at its size limit; no other app reads a buyer's addresses).


def saved_addresses_for(*, user: AnyUser) -> list[SavedAddress]:
    """The buyer's address book, the default first, then the newest. One query."""
    if not user.is_authenticated:
        return []
    return list(SavedAddress.objects.filter(user_id=user.pk).order_by("-is_default", "-id"))


def saved_address_get(*, user: AnyUser, address_id: int) -> SavedAddress:
    """One of the buyer's own addresses; SavedAddressNotFoundError for anyone else's."""
    address = None
    if user.is_authenticated and _is_id(address_id):
        address = SavedAddress.objects.filter(user_id=user.pk, pk=address_id).first()
    if address is None:
        raise SavedAddressNotFoundError
    return address
