"""The records the authorization matrix stands on: two of everything ("a" and "b"), each side
with its own user of every role.

Side a: buyer a's orders from seller a's shop, picked up at station a, where agent a works;
driver a's route; lot a of seller a. Side b mirrors it. A cell of the matrix acts as side a's
user of a role on side a's record ("own") or on side b's ("other"). Built with factories and
the public services, never the demo loader.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import segno
from django.utils import timezone

from tests.accounts.factories import PASSWORD, UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.inventory.factories import LocationFactory
from tests.regions.factories import StationFactory, VillageFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import api_token_issue, role_grant, roles_sync
from xiangcun.accounts.types import Role
from xiangcun.catalog import services as catalog_services
from xiangcun.catalog.models import Brand, Product
from xiangcun.inventory import services as inventory
from xiangcun.inventory.models import Location
from xiangcun.logistics import services as logistics
from xiangcun.logistics.models import (
    CarrierException,
    Parcel,
    ParcelEvent,
    Route,
    RoutePlan,
    RouteStop,
    StaffMember,
    Vehicle,
)
from xiangcun.orders import services as orders
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.payments.models import PaymentIntent
from xiangcun.regions.models import Station
from xiangcun.sellers.models import Seller
from xiangcun.traceability import services as traceability

# Who acts in the matrix: the fourteen roles, a buyer whose shop application waits for review
# (it must unlock nothing), and nobody signed in.
APPLICANT = "applicant"
ANONYMOUS = "anonymous"
ACTORS: tuple[str, ...] = (*(role.value for role in Role), APPLICANT)

# Staff who work from a station (a StaffMember row), with the job they do there.
_STATION_JOBS = {
    Role.AGENT: StaffMember.Job.AGENT,
    Role.DRIVER: StaffMember.Job.DRIVER,
    Role.COURIER: StaffMember.Job.COURIER,
    Role.PACKER: StaffMember.Job.PACKER,
    Role.WAREHOUSE: StaffMember.Job.WAREHOUSE,
}

ADDRESS = {
    "province": "贵州省",
    "city": "黔东南苗族侗族自治州",
    "county": "丹寨县",
    "detail": "龙泉镇东湖路12号",
    "recipient": "王芳",
    "phone": "13800138000",
}


@dataclass
class Side:
    """One side's users (by actor), API tokens, record ids and the text that shows a record
    (or a secret of it) in a response."""

    name: str
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side


def _user(actor: str, side: str) -> User:
    user: User = UserFactory(name=f"{actor} {side}")
    if actor == Role.ADMIN:
        # Administrators are superusers, as demo_users_ensure makes them.
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    if actor != APPLICANT:
        role_grant(user=user, role=Role(actor))
    return user


def _side(
    name: str, *, admin: User, warehouse_location: Location, category: Any, plan: RoutePlan
) -> Side:
    side = Side(name=name)
    village = VillageFactory(latitude=Decimal("26.2"), longitude=Decimal("107.8"))
    station = StationFactory(
        code=f"ST-AUTHZ-{name}",
        name=f"Station {name}",
        village=village,
        latitude=Decimal("26.2"),
        longitude=Decimal("107.8"),
    )
    side.ids.update(
        station=station.pk,
        village=village.pk,
        township=village.township.code,
        category_id=category.pk,
        tomorrow=(timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        password=PASSWORD,
    )
    for actor in ACTORS:
        user = _user(actor, name)
        side.users[actor] = user
        side.tokens[actor] = api_token_issue(user=user).token
        job = _STATION_JOBS.get(Role(actor)) if actor != APPLICANT else None
        if job is not None:
            member = StaffMember.objects.create(user=user, job=job, station=station)
            side.ids[f"staff_{actor}"] = member.pk

    side.ids["buyer_phone"] = side.users[Role.BUYER].phone

    # --- checkout (issue 15): the buyer's saved address in Guangzhou ---
    saved_address = orders.saved_address_create(
        actor=side.users[Role.BUYER],
        data={
            "county_code": "440106",
            "detail": f"Tiyu West Road {name}-authz",
            "recipient": "张三",
            "phone": "13912345678",
        },
    )
    side.ids["saved_address"] = saved_address.pk
    side.markers["saved_address"] = saved_address.detail

    # The shop, its goods and stock (one private location of the farm's own).
    seller = SellerFactory(owner=side.users[Role.SELLER], village=village, name=f"Farm {name}")
    applicant_shop = SellerFactory(
        owner=side.users[APPLICANT],
        village=village,
        status=Seller.Status.SUBMITTED,
        name=f"Applicant {name}",
    )
    product = ProductFactory(seller=seller, category=category, name=f"Rice {name}")
    variant = VariantFactory(product=product, sku=f"AUTHZ-{name}-1", gtin=_gtin(name, 1))
    draft = ProductFactory(seller=seller, category=category, status=Product.Status.DRAFT)
    VariantFactory(product=draft, sku=f"AUTHZ-{name}-2")
    in_review = ProductFactory(seller=seller, category=category, status=Product.Status.IN_REVIEW)
    VariantFactory(product=in_review, sku=f"AUTHZ-{name}-3")
    farm = LocationFactory(kind=Location.Kind.FARM, seller=seller, code=f"FARM-AUTHZ-{name}")
    for location in (warehouse_location, farm):
        inventory.stock_receive(
            actor=admin, variant_id=variant.pk, location_id=location.pk, quantity=50
        )
    side.ids.update(
        seller=seller.pk,
        applicant_seller=applicant_shop.pk,
        product=product.pk,
        variant=variant.pk,
        draft_product=draft.pk,
        review_product=in_review.pk,
        farm_location=farm.pk,
        warehouse_location=warehouse_location.pk,
    )
    side.markers["farm_location"] = farm.code
    side.markers["shop"] = seller.name
    side.markers["product"] = product.name

    # --- task schedule (issue 15 part 6): a notice of this shop's goods on their way to the
    # county warehouse, with its one line ---
    notice = inventory.inbound_create(
        actor=side.users[Role.SELLER],
        seller_id=seller.pk,
        carrier="SF Express",
        tracking_number=f"ASN-AUTHZ-{name}",
        expected_on=timezone.localdate() + datetime.timedelta(days=3),
        lines=[{"variant_id": variant.pk, "quantity": 5}],
        warehouse_id=warehouse_location.pk,
    )
    side.ids.update(inbound=notice.pk, inbound_line=notice.lines.get().pk)
    side.markers["inbound"] = notice.tracking_number
    # --- end task schedule ---

    lot = traceability.lot_record(
        actor=side.users[Role.SELLER],
        product_id=product.pk,
        variant_id=variant.pk,
        seller_id=seller.pk,
        harvested_on=timezone.localdate() - datetime.timedelta(days=2),
        quantity=Decimal("100"),
        unit="jin",
    )
    side.ids.update(lot=lot.pk, lot_code=lot.code, gtin=variant.gtin)
    side.markers["lot"] = lot.code
    certification = catalog_services.certification_submit(
        actor=side.users[Role.SELLER],
        seller_id=seller.pk,
        kind="green_food",
        certificate_number=f"AUTHZ-{name}",
        issuer="authz",
        valid_from=timezone.localdate(),
        product_ids=[product.pk],
    )
    side.ids.update(certification=certification.pk)

    # Orders: one waiting at the station (packed, received, with a pickup code), one waiting
    # for payment, one on its way back to the warehouse.
    buyer = side.users[Role.BUYER]
    shipped = _order(buyer, variant, station)
    task = logistics.packing_task_open(actor=admin, order_id=shipped.pk)
    parcel = logistics.packing_complete(
        actor=admin, task_id=task.pk, weight_g=1200, lots={shipped.lines.get().pk: lot.pk}
    )
    parcel = logistics.parcel_station_receive(actor=admin, parcel_id=parcel.pk)
    parcel.refresh_from_db()
    side.ids.update(
        order=shipped.pk,
        order_number=shipped.number,
        order_line=shipped.lines.get().pk,
        task=task.pk,
        parcel=parcel.pk,
        pickup_code=logistics.pickup_code_for(parcel),
    )
    side.markers["order"] = shipped.number
    side.markers["pickup_code"] = logistics.pickup_code_for(parcel)

    pending = orders.order_place(
        buyer=buyer,
        lines=[(variant.pk, 1)],
        delivery_method="station_pickup",
        station_id=station.pk,
        address=None,
        payment_method="sandbox",
        idempotency_key=None,
    )
    side.ids.update(pending_order=pending.pk, payment_number=pending.payment_number)
    # What the buyer's device needs to pay (the sandbox's page; WeChat's signed parameters).
    intent = PaymentIntent.objects.get(number=pending.payment_number)
    side.markers["payment_details"] = intent.client_data["approve_url"]
    side.ids["paid_order"] = _order(buyer, variant, station).pk
    side.ids.update(_jobs(side, name, station, village))

    # One collected at the station: delivered, so its buyer may ask for a return.
    delivered = _order(buyer, variant, station)
    done_task = logistics.packing_task_open(actor=admin, order_id=delivered.pk)
    done = logistics.packing_complete(actor=admin, task_id=done_task.pk, weight_g=800)
    done = logistics.parcel_station_receive(actor=admin, parcel_id=done.pk)
    logistics.parcel_handover(
        actor=admin, station_id=station.pk, code=logistics.pickup_code_for(done)
    )
    side.ids.update(delivered_order=delivered.pk, delivered_line=delivered.lines.get().pk)

    returning = _order(buyer, variant, station)
    back_task = logistics.packing_task_open(actor=admin, order_id=returning.pk)
    back = logistics.packing_complete(actor=admin, task_id=back_task.pk, weight_g=800)
    logistics.parcel_station_receive(actor=admin, parcel_id=back.pk)
    # Nobody came for it in a week: the station may send it back.
    ParcelEvent.objects.filter(parcel=back, status=Parcel.Status.AT_STATION).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    logistics.parcel_return_start(actor=admin, parcel_id=back.pk, note="authz")
    side.ids.update(returning_parcel=back.pk)
    side.ids.update(_carrier_parcel(admin, buyer, variant, station, name))

    pickup = logistics.farm_pickup_request(
        actor=side.users[Role.SELLER],
        seller_id=seller.pk,
        variant_id=variant.pk,
        place=f"Barn {name}",
        contact_phone="13800138000",
        day=timezone.localdate() + datetime.timedelta(days=1),
        window_start_min=9 * 60,
        window_end_min=12 * 60,
        expected_kg=20,
        crates=2,
        latitude=Decimal("26.2"),
        longitude=Decimal("107.8"),
    )
    side.ids.update(pickup=pickup.pk)
    side.markers["pickup"] = f"Barn {name}"

    # Driver a's route for today, one stop at station a.
    vehicle = Vehicle.objects.create(
        plate=f"AZ-{name.upper()}-0001",
        capacity_kg=800,
        capacity_crates=40,
        cost_per_km=Decimal("1.50"),
        home_station=station,
    )
    route = Route.objects.create(
        plan=plan,
        vehicle=vehicle,
        driver=StaffMember.objects.get(user=side.users[Role.DRIVER]),
        shift_start_min=8 * 60,
        shift_end_min=18 * 60,
        start_min=8 * 60,
        end_min=12 * 60,
        distance_m=12000,
    )
    stop = RouteStop.objects.create(
        route=route,
        sequence=1,
        key=f"station:{station.pk}",
        kind=RouteStop.Kind.STATION,
        label=station.name,
        station=station,
        latitude=Decimal("26.2"),
        longitude=Decimal("107.8"),
        window_start_min=9 * 60,
        window_end_min=17 * 60,
        service_min=10,
        arrive_min=9 * 60,
        depart_min=9 * 60 + 10,
    )
    side.ids.update(vehicle=vehicle.pk, route=route.pk, stop=stop.pk)
    side.markers["route"] = vehicle.plate
    side.ids.update(_training(side, name))
    return side


# --- Task carriers: a parcel sent with a national carrier -------------------------------------


def _carrier_parcel(
    admin: User, buyer: User, variant: Any, station: Station, name: str
) -> dict[str, Any]:
    """An order to Guangzhou packed, its SF waybill typed, handed to SF's courier with a
    signature, and a problem the courier reported (open)."""
    order = _order(buyer, variant, station)
    Order.objects.filter(pk=order.pk).update(
        delivery_method="home",
        station=None,
        address_text="广东省广州市天河区体育西路123号",
        county_code="440106",
        shipping_carrier="sf",
        shipping_cost=Decimal("8.50"),
    )
    task = logistics.packing_task_open(actor=admin, order_id=order.pk)
    parcel = logistics.packing_complete(actor=admin, task_id=task.pk, weight_g=900)
    waybill = logistics.waybill_record(
        actor=admin, parcel_id=parcel.pk, tracking_number=f"SF14{ord(name)}000001", carrier="sf"
    )
    png = segno.make("authz").png_data_uri(scale=2)
    handover = logistics.carrier_handover(
        actor=admin,
        carrier="sf",
        parcel_ids=[parcel.pk],
        courier_name="李师傅",
        signature=logistics.signature_png(png),
    )
    logistics.tracking_event_add(
        actor=admin, parcel_id=parcel.pk, code="exception", exception="address_problem"
    )
    return {
        "carrier_parcel_number": parcel.number,
        "carrier_waybill": waybill.pk,
        "handover": handover.pk,
        "carrier_exception": CarrierException.objects.get(parcel=parcel).pk,
        "carrier": "sf",
    }


def _gtin(side: str, n: int) -> str:
    body = f"0690000{ord(side) % 10}{n:05d}"[:13]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _order(buyer: User, variant: Any, station: Station) -> Any:
    order = orders.order_place(
        buyer=buyer,
        lines=[(variant.pk, 1)],
        delivery_method="station_pickup",
        station_id=station.pk,
        address=None,
        payment_method="sandbox",
        idempotency_key=None,
    )
    payments.sandbox_decide(number=order.payment_number, approve=True)
    order.refresh_from_db()
    return order


def _training(side: Side, name: str) -> dict[str, Any]:
    """A course with a lesson and a question; a session run by this side's trainer with the
    buyer registered; the buyer's quiz attempt and certificate."""
    from tests.training.factories import CertificateFactory, SessionFactory, course_with_quiz
    from xiangcun.training import services as training

    course = course_with_quiz(lessons=1, questions=1, slug=f"authz-course-{name}")
    session = SessionFactory(course=course, trainer=side.users[Role.TRAINER], capacity=50)
    buyer = side.users[Role.BUYER]
    registration = training.session_register(learner=buyer, session_id=session.pk)
    attempt = training.quiz_attempt_start(learner=buyer, course_id=course.pk)
    certificate = CertificateFactory(holder=buyer, course=course, code=f"AUTHZCERT{name.upper()}")
    side.markers["certificate"] = certificate.code
    return {
        "course": course.pk,
        "lesson": course.lessons.get().pk,
        "session": session.pk,
        "registration": registration.pk,
        "attempt": attempt.pk,
        "certificate_code": certificate.code,
    }


def _jobs(side: Side, name: str, station: Station, village: Any) -> dict[str, Any]:
    """An open posting at this side's station, offered at a fair, and this side's resident's
    own application to it (the resident is its owner)."""
    from tests.jobs.factories import FairFactory, PostingFactory
    from xiangcun.jobs import services as jobs

    recruiter = side.users[Role.RECRUITER]
    posting = PostingFactory(station=station, created_by=recruiter, title=f"Authz job {name}")
    fair = FairFactory(postings=[posting], township=station.township, created_by=recruiter)
    application = jobs.application_submit(
        actor=side.users[Role.RESIDENT],
        posting_id=posting.pk,
        name=f"resident {name}",
        phone="",
        village_id=village.pk,
    ).application
    return {
        "posting": posting.pk,
        "fair": fair.pk,
        "application": application.pk,
        "township_id": station.township_id,
    }


# --- Loans (task loans): a product for all, and a submitted application of each side's shop ---
def _loans(side: Side, product_id: int) -> dict[str, Any]:
    from xiangcun.finance import services as finance

    loan = finance.loan_apply(
        actor=side.users[Role.SELLER],
        seller_id=side.ids["seller"],
        product_id=product_id,
        amount=Decimal("5000"),
        periods=6,
    ).loan
    return {"loan": loan.pk, "loan_product": product_id}


def world_build() -> World:
    roles_sync()
    admin: User = UserFactory(name="world builder", is_superuser=True)
    warehouse = LocationFactory(kind=Location.Kind.WAREHOUSE, code="WH-AUTHZ")
    category = CategoryFactory(slug="authz-rice")
    brand = Brand.objects.create(slug="authz-brand", name="Authz brand")
    plan = RoutePlan.objects.create(day=timezone.localdate(), reason="authz")
    sides = [
        _side(name, admin=admin, warehouse_location=warehouse, category=category, plan=plan)
        for name in ("a", "b")
    ]
    assert Parcel.objects.filter(status=Parcel.Status.AT_STATION).count() == 2
    for side in sides:
        side.ids.update(brand=brand.slug, category=category.slug)
    # --- shipping (the rate console's pages): the demo's carriers and rates, shared ---
    from xiangcun.shipping.models import Rate
    from xiangcun.shipping.services import shipping_demo_load

    shipping_demo_load()
    rate_id = Rate.objects.order_by("id").values_list("id", flat=True).first()
    for side in sides:
        side.ids["rate"] = rate_id
    from tests.finance.factories import LoanProductFactory  # loans (task loans)

    loan_product = LoanProductFactory(code="authz-loans")
    for side in sides:
        side.ids.update(_loans(side, loan_product.pk))  # loans (task loans)
    # --- Settlement and payouts (task payouts): a bank payout sent to each side's shop ---
    from tests.finance.factories import PayoutFactory
    from xiangcun.sellers.models import Seller

    for side in sides:
        payout = PayoutFactory(
            seller=Seller.objects.get(pk=side.ids["seller"]), provider="bank", status="sent"
        )
        side.ids.update(
            payout=payout.pk,
            payout_run=payout.run_id,
            payout_action="paid",
            month=timezone.localdate().strftime("%Y-%m"),
            statement_kind="csv",
        )
    # --- Repayments (task repayments): a running loan of each side's shop, with a schedule ---
    from tests.finance.factories import active_loan
    from xiangcun.finance import services as repay_services
    from xiangcun.sellers.models import Seller as RepaySeller

    for side in sides:
        running = active_loan(
            seller=RepaySeller.objects.get(pk=side.ids["seller"]),
            number=f"AUTHZ-REPAY-{side.name}",
        )
        taken = repay_services.loan_repay(
            actor=admin,
            loan_id=running.pk,
            amount=Decimal("10.00"),
            channel="cash",
            reference=f"authz-world-{side.name}",
            station_id=side.ids["station"],
        )
        side.ids.update(repay_loan=running.pk, repayment=taken.pk)
        side.markers["repay_loan"] = running.number
    for side in sides:
        side.ids.update(_servicecenter(side))  # service centre (issue 10)
    for side in sides:
        side.ids.update(_impact(side, admin))  # impact (issue 12)
    return World(a=sides[0], b=sides[1])


# --- Service centre (issue 10): a resident who consented at this side's station, an order the
# agent placed for them (cash on pickup) and the agent's open drawer ---
def _servicecenter(side: Side) -> dict[str, Any]:
    from xiangcun.accounts.models import ResidentProfile
    from xiangcun.catalog.models import Variant
    from xiangcun.regions.models import Village
    from xiangcun.servicecenter import services as servicecenter
    from xiangcun.servicecenter.models import Consent

    agent = side.users[Role.AGENT]
    station_id = side.ids["station"]
    resident = ResidentProfile.objects.create(
        name=f"SC resident {side.name}", village_id=side.ids["village"]
    )
    Consent.objects.create(
        resident=resident, station_id=station_id, recorded_by=agent, given_at=timezone.now()
    )
    order = servicecenter.assisted_order_place(
        actor=agent,
        resident_id=resident.pk,
        lines=[(side.ids["variant"], 1)],
        payment_method="cash_on_pickup",
        idempotency_key=f"authz-world-{side.name}",
        station_id=station_id,
    ).order
    drawer = servicecenter.drawer_open(
        actor=agent, float_amount=Decimal("50.00"), station_id=station_id
    )
    side.markers.update(
        sc_resident=resident.name, sc_order=order.number, sc_station=f"Station {side.name}"
    )
    price = Variant.objects.get(pk=side.ids["variant"]).price
    return {
        "sc_resident": resident.pk,
        "sc_resident_name": resident.name,
        "sc_order": order.pk,
        "drawer": drawer.pk,
        "village_code": Village.objects.get(pk=side.ids["village"]).code,
        "variant_price": f"{price:.2f}",
    }


# --- Impact (issue 12): a ready monthly report of this side's township, and a table to export ---
def _impact(side: Side, admin: User) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from xiangcun.impact.models import Report
    from xiangcun.regions.models import Village

    report = Report.objects.create(
        month=datetime.date(2026, 1, 1),
        township_id=Village.objects.get(pk=side.ids["village"]).township_id,
        status=Report.Status.READY,
        progress=100,
        requested_by=admin,
        finished_at=timezone.now(),
    )
    report.file.save(f"authz-{side.name}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"impact_report": report.pk, "impact_table": "summary", "impact_fmt": "csv"}
