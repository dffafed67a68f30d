"""Fuzz of the traceability services: recording a lot, inspections, certificates, recalls,
events, and EPCIS capture of generated JSON documents (valid ones with parts swapped for any
JSON value, and arbitrary objects)."""

import copy
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import strategies as st
from tests.accounts.factories import UserFactory, user_with_role
from tests.fuzz.driver import (
    ANY_CHARACTER,
    Target,
    dates,
    datetimes,
    decimals,
    fuzz,
    integers,
    json_values,
    texts,
)
from tests.traceability.conftest import (  # noqa: F401 (fixtures)
    blueberry_variant,
    farmer,
    lot,
)
from tests.traceability.epcis_helpers import CONTEXT, document, object_event

from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.catalog.models import Variant
from xiangcun.core.validators import UnstorableTextError
from xiangcun.traceability import services as traceability
from xiangcun.traceability.epcis.vocab import lot_class_epc
from xiangcun.traceability.models import Inspection, Lot, LotCertificate

BIZ_STEPS = ["commissioning", "receiving", "shipping", "packing", "inspecting", "destroying"]


@dataclass
class World:
    farmer: User
    manager: User
    warehouse: User
    stranger: User
    variant: Variant
    lot: Lot


@pytest.fixture
def world(farmer: User, blueberry_variant: Variant, lot: Lot) -> World:  # noqa: F811
    return World(
        farmer=farmer,
        manager=user_with_role(Role.PROGRAMME_MANAGER),
        warehouse=user_with_role(Role.WAREHOUSE),
        stranger=UserFactory(),
        variant=blueberry_variant,
        lot=lot,
    )


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def epcis_documents(draw: st.DrawFn, epc: str) -> dict[str, Any]:
    """A document about our lot, with up to three of its parts replaced by any JSON value."""
    moment = timezone.now() + datetime.timedelta(minutes=draw(st.integers(-600, 600)))
    time = moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")
    events = [
        object_event(epc, biz_step=step, time=time)
        for step in draw(st.lists(st.sampled_from(BIZ_STEPS), min_size=1, max_size=3))
    ]
    result = copy.deepcopy(document(*events))  # its @context is the helpers' shared list
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(result)[1:]))
        parent = result
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(json_values())
    return result


def targets(world: World) -> list[Target]:
    actors = st.sampled_from([world.farmer, world.manager, world.warehouse, world.stranger])
    lot_ids = st.one_of(st.just(world.lot.pk), integers())
    epc = lot_class_epc(gtin=world.lot.gtin, lot_code=world.lot.code)
    documents = st.one_of(
        epcis_documents(epc),
        st.fixed_dictionaries(
            {"@context": st.just(CONTEXT), "type": st.just("EPCISDocument")},
            optional={"epcisBody": json_values(), "schemaVersion": json_values()},
        ),
        st.dictionaries(st.text(ANY_CHARACTER, max_size=12), json_values(), max_size=5),
    )
    today = timezone.localdate()
    return [
        Target(
            traceability.lot_record,
            {
                "actor": actors,
                "product_id": st.one_of(st.just(world.variant.product_id), integers()),
                "variant_id": st.sampled_from([None, world.variant.pk]),
                "seller_id": st.one_of(st.just(world.variant.product.seller_id), integers()),
                "harvested_on": st.one_of(st.just(today - datetime.timedelta(days=2)), dates()),
                "quantity": st.one_of(
                    st.just(Decimal("120")), decimals(), integers(), texts("12.5")
                ),
                "unit": texts("jin", "kg", "piece"),
                "grade": texts("一级"),
                "recorded_for": st.one_of(st.none(), datetimes()),
            },
        ),
        Target(
            traceability.inspection_record,
            {
                "actor": actors,
                "lot_id": lot_ids,
                "kind": texts("农药残留速测"),
                "method": texts("GB/T 5009.199"),
                "result": texts(*Inspection.Result.values),
                "measured": texts("抑制率 12%"),
                "inspector": texts("县农检站 李工"),
                "inspected_at": st.one_of(st.just(timezone.now()), datetimes()),
            },
        ),
        Target(
            traceability.lot_certificate_add,
            {
                "actor": actors,
                "lot_id": lot_ids,
                "kind": texts(*LotCertificate.Kind.values),
                "number": texts("HG-5226-0001"),
                "issuer": texts("丹寨县农业农村局"),
                "issued_on": st.one_of(st.just(today), dates()),
            },
        ),
        Target(
            traceability.lot_recall,
            {"actor": actors, "lot_id": lot_ids, "reason": texts("农残超标")},
        ),
        Target(
            traceability.event_ship,
            {
                "lot": st.just(world.lot),
                "order_number": st.just("X20261128001"),
                "tracking_number": texts("SF1234567890"),
                "carrier": texts("顺丰"),
                "at": st.none(),
            },
            narrow=("order_number", "at"),
        ),
        Target(traceability.event_destroy, {"lot": st.just(world.lot), "reason": texts("霉变")}),
        Target(traceability.epcis_capture, {"document": documents, "actor": actors}),
    ]


def test_traceability_services_refuse_bad_input_cleanly(world: World) -> None:
    answers = fuzz(targets(world))
    # Plausible arguments get past the first checks: some calls succeed.
    assert sum(outcome["ok"] for outcome in answers.values()) > 0, answers


# What the fuzz found, kept as plain examples (each failed before its fix).


@pytest.mark.parametrize("text", ["1E+999999", "-Infinity"])
def test_text_that_reads_as_an_infinite_number_can_be_hashed(world: World, text: str) -> None:
    event = traceability.event_ship(
        lot=world.lot, order_number="X20261128001", tracking_number=text, carrier="顺丰"
    )
    assert event.event_id


def test_event_text_with_a_lone_surrogate_is_refused(world: World) -> None:
    with pytest.raises(UnstorableTextError):
        traceability.event_destroy(lot=world.lot, reason="霉变\udfff")
