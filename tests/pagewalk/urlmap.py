"""Every page of the URL map, with its path filled from the Danzhai demo.

A page is a URL pattern that answers HTML to a GET. The resolver is walked, so a new pattern is
found without anyone listing it; it must then either be left out here by name (with the
reason) or, when it has path parameters, get a line in PARAMS saying where its values come
from. A pattern that is neither fails tests/pagewalk/test_urlmap.py, so no page is forgotten.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from xiangcun.accounts.types import Role

# Whole parts of the map left to other checks: the API (its operations come from the OpenAPI
# document, tests/authz), Django's own admin (its pages are Django's, in Django's wording), the
# language switch, and uploaded files.
SKIPPED_PREFIXES = ("api/v1/", "admin/", "i18n/", "^media/", "media/", "static/")

# Patterns that are not pages, by URL name, and why: actions that only take a POST (a GET
# answers 405), files, JSON, images and scripts. tests/pagewalk/test_urlmap.py checks that the
# POST-only ones do refuse a GET.
POST_ONLY = frozenset(
    {
        "accounts:logout",
        "cart:add",
        "cart:update",
        "cart:remove",
        "console:product_submit",
        "console:product_delist",
        "orders:pay",
        "orders:return",
        "orders:wechat_pay",
        "orders:cancel",
        "orders:address_delete",
        "orders:address_default",
        "orders:shop_step",
        "logistics:packing_open",
        "logistics:stop_action",
        "logistics:parcel_deliver",
        "logistics:parcel_fail",
        "logistics:parcel_return_start",
        "logistics:dispatch_plan",
        "logistics:vehicle_status",
        "logistics:staff_deactivate",
        "logistics:pickup_cancel",
        "logistics:carrier_slot_set",
        "logistics:carrier_handover_sign",
        "logistics:carrier_exception_resolve",
        "logistics:kuaidi100_push",
        "logistics:parcel_carrier",
        "payments:wechat_notify",  # WeChat Pay's server posts here
        "traceability:recall_submit",
        "jobs:withdraw",
        "jobs:posting_status",
        "jobs:fair_entry",
        "training:lesson_read",
        "training:quiz_start",
        "training:register",
        "training:registration_cancel",
        "training:revoke",
        "finance:payouts_run",
        "finance:payout_act",
        "finance:loan_withdraw",
        "finance:officer_loan_approve",
        "finance:officer_loan_more_info",
        "finance:officer_loan_decline",
        "finance:officer_loan_disburse",
        "finance:write_off",
        "servicecenter:consent_withdraw",
        "servicecenter:drawer_close",
        "servicecenter:counter_order",
    }
)
NOT_HTML = frozenset(
    {
        "healthz",  # plain text for the load balancer
        "training:food_safety",  # a redirect to the food-safety course's page
        "logistics:packing_label",  # PDF
        "logistics:waybill_label",  # PDF
        "logistics:carrier_handover_signature",  # PNG
        "traceability:label",  # PDF
        "training:certificate_pdf",  # PDF
        "finance:statement_download",  # CSV or PDF
        "finance:bank_file",  # CSV
        "servicecenter:counter_snapshot",  # JSON
        "servicecenter:counter_search",  # JSON
        "servicecenter:counter_residents",  # JSON
        "servicecenter:counter_worker",  # the service worker's script
        "servicecenter:counter_manifest",  # the web app manifest
        "regions:division_options",  # the <option>s of a cascading select, for htmx
        "impact:export",  # CSV or XLSX
        "impact:report_download",  # PDF
        "payments:wechat_signin",  # a redirect to WeChat's sign-in
        "payments:wechat_signin_return",  # WeChat's sign-in coming back: a redirect
    }
)
NOT_PAGES = POST_ONLY | NOT_HTML


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", as reverse() takes it
    route: str  # the pattern's text, for messages


def url_patterns() -> list[Pattern]:
    """Every named pattern of the URL map outside SKIPPED_PREFIXES."""
    found: list[Pattern] = []

    def walk(patterns: list[Any], prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join([*namespaces, pattern.name or f"<unnamed {route}>"])
                found.append(Pattern(name=name, route=route))

    walk(get_resolver().url_patterns, "", [])
    return found


def page_patterns() -> list[Pattern]:
    return [pattern for pattern in url_patterns() if pattern.name not in NOT_PAGES]


def has_parameters(pattern: Pattern) -> bool:
    return "<" in pattern.route or "(?P" in pattern.route


# --- where path values come from ---------------------------------------------------------------


def _model(label: str) -> type[Model]:
    return apps.get_model(label)


def _first(label: str, **lookup: Any) -> Any:
    row = _model(label)._default_manager.filter(**lookup).order_by("pk").first()
    if row is None:
        raise LookupError(f"the demo has no {label} with {lookup}")
    return row


class Demo:
    """The demo's logins by role, and a few rows the demo does not make (a saved address, an
    inbound notice, a quiz attempt, a carrier hand-over, a ready impact report), made once with
    the services when a page needs them."""

    def __init__(self, phones: dict[str, str]) -> None:
        self.phones = phones
        self._made: dict[str, Any] = {}

    def user(self, role: Role) -> Any:
        return _first("accounts.User", phone=self.phones[role.value])

    def made(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    @property
    def seller(self) -> Any:
        return _first("sellers.Seller", owner=self.user(Role.SELLER))

    @property
    def product(self) -> Any:
        return _first("catalog.Product", seller=self.seller, status="listed")

    def buyer_order(self) -> Any:
        return _first("orders.Order", buyer=self.user(Role.BUYER))

    def buyer_cart_fill(self) -> None:
        """Two jars in the demo buyer's cart, so the checkout page has something to check out."""
        from xiangcun.orders import services as orders

        cart = orders.cart_for(user=self.user(Role.BUYER))
        variant = _first("catalog.Variant", product=self.product)
        orders.cart_add(cart=cart, variant_id=variant.pk, quantity=2)

    def order(self, payment_method: str) -> Any:
        """An order of the demo buyer's, waiting for its payment."""

        def make() -> Any:
            from xiangcun.orders import services as orders

            return orders.order_place(
                buyer=self.user(Role.BUYER),
                lines=[(_first("catalog.Variant", product=self.product).pk, 1)],
                delivery_method="station_pickup",
                station_id=_first("regions.Station").pk,
                address=None,
                payment_method=payment_method,
                idempotency_key=None,
            )

        return self.made(f"order_{payment_method}", make)

    def product_in_review(self) -> Any:
        def make() -> Any:
            from xiangcun.catalog import services as catalog

            seller = self.user(Role.SELLER)
            product = catalog.product_create(
                actor=seller,
                seller_id=self.seller.pk,
                category_id=self.product.category_id,
                name="高山红米",
                name_en="Highland red rice",
            )
            catalog.variant_create(
                actor=seller, product_id=product.pk, name="5 斤装", unit="jin", price="45.00"
            )
            return catalog.product_submit(actor=seller, product_id=product.pk)

        return self.made("product_in_review", make)

    def shop_application(self) -> Any:
        def make() -> Any:
            from xiangcun.accounts.services import user_register
            from xiangcun.sellers import services as sellers

            owner = user_register(phone="13900009999", password="Pagewalk-2016", name="龙春花")
            return sellers.seller_apply(
                owner=owner,
                kind="craft_maker",
                name="春花蜡染坊",
                name_en="Chunhua Batik Workshop",
                village_id=_first("regions.Village").pk,
            )

        return self.made("shop_application", make)

    def returned_parcel(self) -> Any:
        """A parcel nobody collected, sent back from its station after its week there."""

        def make() -> Any:
            from xiangcun.logistics import services as logistics

            parcel = _first("logistics.Parcel", status="at_station")
            _model("logistics.ParcelEvent")._default_manager.filter(parcel=parcel).update(
                created_at=timezone.now() - datetime.timedelta(days=8)
            )
            return logistics.parcel_return_start(actor=self.user(Role.AGENT), parcel_id=parcel.pk)

        return self.made("returned_parcel", make)

    def inbound(self) -> Any:
        def make() -> Any:
            from xiangcun.inventory import services as inventory

            variant = _first("catalog.Variant", product=self.product)
            warehouse = _first("inventory.Location", kind="warehouse")
            return inventory.inbound_create(
                actor=self.user(Role.SELLER),
                seller_id=self.seller.pk,
                carrier="顺丰速运",
                tracking_number="SF1400000000",
                expected_on=timezone.localdate() + datetime.timedelta(days=3),
                lines=[{"variant_id": variant.pk, "quantity": 5}],
                warehouse_id=warehouse.pk,
            )

        return self.made("inbound", make)

    def saved_address(self) -> Any:
        def make() -> Any:
            from xiangcun.orders import services as orders

            return orders.saved_address_create(
                actor=self.user(Role.BUYER),
                data={
                    "county_code": "440106",
                    "detail": "体育西路 123 号",
                    "recipient": "张三",
                    "phone": "13912345678",
                },
            )

        return self.made("saved_address", make)

    def quiz_attempt(self) -> Any:
        def make() -> Any:
            from xiangcun.training import services as training

            course = _first("training.Course", is_published=True, questions__isnull=False)
            return training.quiz_attempt_start(learner=self.user(Role.SELLER), course_id=course.pk)

        return self.made("attempt", make)

    def impact_report(self) -> Any:
        def make() -> Any:
            report: Any = _model("impact.Report")._default_manager.create(
                month=timezone.localdate().replace(day=1),
                township_id=None,
                status="ready",
                progress=100,
                requested_by=self.user(Role.PROGRAMME_MANAGER),
                finished_at=timezone.now(),
            )
            report.file.save("pagewalk.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
            return report

        return self.made("impact_report", make)

    def carrier_parcel(self) -> Any:
        """A parcel handed to a national carrier with a signature, with a problem reported."""

        def make() -> Any:
            import segno

            from xiangcun.logistics import services as logistics
            from xiangcun.orders import services as orders
            from xiangcun.payments import services as payments

            admin = self.user(Role.ADMIN)
            variant = _first("catalog.Variant", product=self.product)
            order = orders.order_place(
                buyer=self.user(Role.BUYER),
                lines=[(variant.pk, 1)],
                delivery_method="station_pickup",
                station_id=_first("regions.Station").pk,
                address=None,
                payment_method="sandbox",
                idempotency_key=None,
            )
            payments.sandbox_decide(number=order.payment_number, approve=True)
            _model("orders.Order")._default_manager.filter(pk=order.pk).update(
                delivery_method="home",
                station=None,
                address_text="广东省广州市天河区体育西路123号",
                county_code="440106",
                shipping_carrier="sf",
                shipping_cost=Decimal("8.50"),
            )
            task = logistics.packing_task_open(actor=admin, order_id=order.pk)
            parcel = logistics.packing_complete(actor=admin, task_id=task.pk, weight_g=900)
            logistics.waybill_record(
                actor=admin, parcel_id=parcel.pk, tracking_number="SF1412345678", carrier="sf"
            )
            return logistics.carrier_handover(
                actor=admin,
                carrier="sf",
                parcel_ids=[parcel.pk],
                courier_name="李师傅",
                signature=logistics.signature_png(segno.make("pagewalk").png_data_uri(scale=2)),
            )

        return self.made("carrier_parcel", make)


# A page's path values, or a list of them when the walk opens the page once for each.
Params = Callable[[Demo], dict[str, Any] | list[dict[str, Any]]]


def _loan(demo: Demo) -> Any:
    return _first("finance.Loan", seller=demo.seller)


# One line per page with path parameters: the demo row whose page the walk opens. The rows
# belong to the demo's own logins where a page is its owner's (the buyer's order, the seller's
# product), so the owner's walk sees the page.
PARAMS: dict[str, Params] = {
    "shop:category": lambda d: {"slug": d.product.category.slug},
    "shop:product": lambda d: {"product_id": d.product.pk},
    "shop:brand": lambda d: {"slug": _first("catalog.Brand", is_active=True).slug},
    "shop:seller": lambda d: {"seller_id": d.seller.pk},
    "inventory:stock_variant": lambda d: {
        "variant_id": _first("catalog.Variant", product=d.product).pk
    },
    "inventory:inbound_detail": lambda d: {"inbound_id": d.inbound().pk},
    "inventory:inbound_receive": lambda d: {"inbound_id": d.inbound().pk},
    "shipping:rate_edit": lambda d: {"rate_id": _first("shipping.Rate").pk},
    "console:product": lambda d: {"product_id": d.product.pk},
    "console:product_edit": lambda d: {"product_id": d.product.pk},
    "console:variant_create": lambda d: {"product_id": d.product.pk},
    "console:variant_edit": lambda d: {
        "product_id": d.product.pk,
        "variant_id": _first("catalog.Variant", product=d.product).pk,
    },
    "console:photo_add": lambda d: {"product_id": d.product.pk},
    "console:review_product": lambda d: {"product_id": d.product_in_review().pk},
    "sellers:review": lambda d: {"seller_id": d.shop_application().pk},
    "payments:sandbox": lambda d: {"number": d.order("sandbox").payment_number},
    "orders:detail": lambda d: {"order_id": d.buyer_order().pk},
    "orders:payment_status": lambda d: {"order_id": d.buyer_order().pk},
    "orders:cash": lambda d: {"order_id": d.order("cash").pk},
    "orders:address_edit": lambda d: {"address_id": d.saved_address().pk},
    "logistics:packing_task": lambda d: {"task_id": _first("logistics.PackingTask").pk},
    "logistics:return_receive": lambda d: {"parcel_id": d.returned_parcel().pk},
    "logistics:carrier_handover": lambda d: {"handover_id": d.carrier_parcel().pk},
    "logistics:track": lambda d: {
        "number": _first("logistics.Parcel", order__buyer=d.user(Role.BUYER)).number
    },
    "traceability:pack": lambda d: {"lot_id": _first("traceability.Lot", variant=None).pk},
    "traceability:product_lots": lambda d: {
        "product_id": _first("traceability.Lot", status="active").product_id
    },
    "console:certificate_review": lambda d: {
        "certification_id": _first("catalog.Certification").pk
    },
    "traceability:lot": lambda d: {"lot_id": _first("traceability.Lot", seller=d.seller).pk},
    "jobs:posting": lambda d: {"posting_id": _first("jobs.Posting", status="open").pk},
    "jobs:pipeline": lambda d: {"posting_id": _first("jobs.Posting").pk},
    "jobs:application": lambda d: {"application_id": _first("jobs.Application").pk},
    "jobs:fair": lambda d: {"fair_id": _first("jobs.Fair").pk},
    "training:course": lambda d: {"course_id": _first("training.Course", is_published=True).pk},
    "training:lesson": lambda d: {"lesson_id": _first("training.Lesson").pk},
    "training:attempt": lambda d: {"attempt_id": d.quiz_attempt().pk},
    "training:verify": lambda d: {"code": _first("training.Certificate", revoked=False).code},
    "training:sheet": lambda d: {"session_id": _first("training.TrainingSession").pk},
    "finance:statement": lambda d: {
        "month": (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime(
            "%Y-%m"
        )
    },
    "finance:loan": lambda d: {"loan_id": _loan(d).pk},
    "finance:officer_loan": lambda d: {"loan_id": _loan(d).pk},
    "finance:loan_repayments": lambda d: {"loan_id": _loan(d).pk},
    "finance:repayment_receipt": lambda d: {"repayment_id": _first("finance.Repayment").pk},
    "servicecenter:resident": lambda d: {
        "resident_id": _first("servicecenter.AssistedOrder").resident_id
    },
    "servicecenter:receipt": lambda d: {"order_id": _first("servicecenter.AssistedOrder").order_id},
    "impact:report_status": lambda d: {"report_id": d.impact_report().pk},
    "digital_link": lambda d: {
        "gtin": (lot := _first("traceability.Lot", seller=d.seller)).gtin,
        "lot": lot.code,
    },
    # Every role's workspace but the buyer's, the resident's and the administrator's (they have
    # none: the shop and Django's admin are theirs).
    "web:workspace": lambda d: [
        {"role": role.value} for role in Role if role not in (Role.BUYER, Role.RESIDENT, Role.ADMIN)
    ],
}


def page_urls(demo: Demo) -> Iterator[tuple[str, str]]:
    """(url name, path) of every page, its parameters filled from the demo. Raises KeyError
    for a page with parameters and no line in PARAMS."""
    for pattern in page_patterns():
        if not has_parameters(pattern):
            yield pattern.name, reverse(pattern.name)
            continue
        if pattern.name not in PARAMS:
            raise KeyError(
                f"{pattern.name} ({pattern.route}) has path parameters and no line in "
                "tests/pagewalk/urlmap.py PARAMS (or list it in NOT_PAGES if it is no page)"
            )
        values = PARAMS[pattern.name](demo)
        for kwargs in values if isinstance(values, list) else [values]:
            yield pattern.name, reverse(pattern.name, kwargs=kwargs)
