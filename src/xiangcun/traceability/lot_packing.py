"""Packing a harvest into sale units: the lot (counted in the farmer's own unit) becomes
packs of the product's sizes (how many 5 斤 bags, how many 10 kg), recorded as one EPCIS
TransformationEvent and added to stock with the lot attached.

How much of the lot a pack takes: a lot weighed in 斤 or kg converts through the pack's net
weight (or its own 斤/kg unit); a lot counted in jars, boxes... converts one to one to a pack
of the same unit. A pack that does not convert (jars from a lot weighed in 斤 with no net
weight given) is recorded and stocked but counts against nothing: the farmer knows best, and
refusing would only push the packs off the record.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import INT32_MAX, INT64_MAX
from xiangcun.inventory.services import location_for_seller, stock_receive
from xiangcun.traceability.epcis import platform as epcis_platform
from xiangcun.traceability.epcis.vocab import sgln
from xiangcun.traceability.errors import (
    InvalidLotPackError,
    LotNotActiveError,
    LotNotFoundError,
    LotOverpackedError,
    LotPermissionError,
)
from xiangcun.traceability.models import Lot, LotPack
from xiangcun.traceability.selectors import (
    gtin_for_variant,
    lot_may_record,
    lot_packed_quantity,
    pack_in_lot_unit,
)

PACK_SIZES_MAX = 20


def _counts(packs: object) -> dict[int, int]:
    if not isinstance(packs, dict) or len(packs) > PACK_SIZES_MAX:
        raise InvalidLotPackError(field="packs")
    counts: dict[int, int] = {}
    for key, value in packs.items():
        try:
            variant_id = int(key)
        except (TypeError, ValueError):
            raise InvalidLotPackError(field="packs") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidLotPackError(field=f"packs.{key}")
        if not 0 < variant_id <= INT64_MAX or not 0 <= value <= INT32_MAX:
            raise InvalidLotPackError(field=f"packs.{key}")
        if value:
            counts[variant_id] = value
    if not counts:
        raise InvalidLotPackError(
            InvalidLotPackError.default_message, field="packs", reason="nothing_packed"
        )
    return counts


@transaction.atomic
def lot_pack(
    *,
    actor: AnyUser,
    lot_id: int,
    packs: dict[int, int],
    location_id: int | None = None,
    recorded_for: datetime.datetime | None = None,
) -> list[LotPack]:
    """Pack part of a harvest into sale units: `packs` maps a variant of the lot's product to
    how many packs of it. Records one TransformationEvent from the lot to the packs and adds
    the packs to stock at the farm (or `location_id`, e.g. the county warehouse when the
    farmer brings the harvest there loose) with the lot attached.

    The farm's managers (owner, agent) and warehouse staff may pack (`lot_may_record`); the
    lot is locked first, so two packings of one lot cannot together take more than it holds
    (LotOverpackedError, details.remaining in the lot's unit). `recorded_for`: when the
    packing is written down later (else now).
    """
    # The event helpers live in services, which re-exports this function.
    from xiangcun.traceability.services import LOT_UNIT_NAMES, _platform_event

    lot: Lot | None = Lot.objects.select_for_update().filter(pk=lot_id).first()
    if lot is None:
        raise LotNotFoundError
    if not lot_may_record(user=actor, seller_id=lot.seller_id):
        raise LotPermissionError
    if lot.status != Lot.Status.ACTIVE:
        raise LotNotActiveError
    counts = _counts(packs)
    variants = {variant.pk: variant for variant in lot.product.variants.all()}
    for variant_id in counts:
        if variant_id not in variants:
            raise InvalidLotPackError(
                InvalidLotPackError.default_message, field=f"packs.{variant_id}"
            )
    taken: dict[int, Decimal | None] = {}
    for variant_id, count in counts.items():
        per_pack = pack_in_lot_unit(lot_unit=lot.unit, variant=variants[variant_id])
        taken[variant_id] = per_pack * count if per_pack is not None else None
    total = sum((amount for amount in taken.values() if amount is not None), Decimal(0))
    remaining = lot.quantity - lot_packed_quantity(lot_id=lot.pk)
    if total > remaining:
        left = format(remaining.normalize(), "f")
        message = _("These packs hold more than what remains of the harvest: %(left)s %(unit)s.")
        unit = LOT_UNIT_NAMES.get(lot.unit, lot.unit)
        raise LotOverpackedError(
            message % {"left": left, "unit": unit}, field="packs", remaining=left
        )

    if location_id is None:
        target_id = location_for_seller(seller_id=lot.seller_id).pk
        where = epcis_platform.last_location(lot)  # the harvest's village
    else:
        target_id, where = location_id, sgln()
    outputs = [
        (gtin_for_variant(variant_id=variant_id), count)
        for variant_id, count in sorted(counts.items())
    ]
    event = _platform_event(
        lot,
        epcis_platform.pack_from_lot(
            lot,
            lot_quantity=total if total else None,
            packs=outputs,
            location=where,
            at=recorded_for,
        ),
        actor=actor if actor.is_authenticated else None,
    )
    rows = []
    for variant_id, count in sorted(counts.items()):
        stock_receive(
            actor=actor,
            variant_id=variant_id,
            location_id=target_id,
            quantity=count,
            reference=f"lot:{lot.code}",
            note=lot.code,
            lot_id=lot.pk,
            harvested_on=lot.harvested_on,
        )
        rows.append(
            LotPack.objects.create(
                lot=lot,
                variant_id=variant_id,
                count=count,
                lot_quantity=taken[variant_id],
                event=event,
                location_id=target_id,
                packed_by_id=actor.pk if actor.is_authenticated else None,
            )
        )
    return rows
