"""`xiangcun demo`: load the Danzhai demo: county, townships, stations, one login per role,
demo shops with their products and stock; `--products N` adds N generated products.

Safe to run again: every step matches existing rows and creates only what is missing. Refuses
to run with DEBUG off unless --force, because a production site must have no default logins.
"""

import os
import sys
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from tqdm import tqdm

from xiangcun.accounts import services as accounts_services
from xiangcun.accounts.types import DemoUser, Role
from xiangcun.catalog import selectors as catalog_selectors
from xiangcun.catalog import services as catalog_services
from xiangcun.catalog.types import CatalogDemoResult
from xiangcun.core.tasks import demo_steps
from xiangcun.finance import services as finance_services
from xiangcun.inventory import services as inventory_services
from xiangcun.jobs import services as jobs_services
from xiangcun.logistics import services as logistics_services
from xiangcun.logistics.types import LogisticsDemoResult
from xiangcun.orders import services as orders_services
from xiangcun.regions import services as regions_services
from xiangcun.regions.types import DemoRegionsResult
from xiangcun.sellers import services as sellers_services
from xiangcun.servicecenter import services as servicecenter_services
from xiangcun.shipping import services as shipping_services
from xiangcun.traceability import selectors as traceability_selectors
from xiangcun.traceability import services as traceability_services
from xiangcun.training import services as training_services
from xiangcun.web.services import DEMO_PASSWORD, demo_site_mark


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(row[col]) for row in [header, *rows]) for col in range(len(header))]
    lines = [
        "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _demo_variant_ids(sellers: Iterable[Any]) -> list[int]:
    """Every variant of the demo shops' products, for the demo stock."""
    return [
        variant.id
        for seller in sellers
        for product in catalog_selectors.products_for_seller(seller_id=seller.id)
        for variant in product.variants.all()
    ]


class Command(BaseCommand):
    help = "Load the Danzhai demo: divisions, sites, one login per role, shops, products, stock."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. Creates logins with a published password.",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing unless something goes wrong."
        )
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            metavar="N",
            help="Also generate N plausible listed products (a large catalogue for benchmarks).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _(
                    "DEBUG is off, so this looks like production, which must have no demo "
                    "logins. Use --force if you really mean it."
                )
            )
        if options["products"] < 0:
            raise CommandError(_("--products must be zero or more."))
        quiet: bool = options["quiet"]
        results: dict[str, Any] = {}
        # Order matters: the demo seller login must exist (with its password) before the
        # shops are created, because one shop belongs to it.
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("regions", regions_services.danzhai_demo_load),
            ("roles", accounts_services.roles_sync),
            ("users", lambda: accounts_services.demo_users_ensure(password=DEMO_PASSWORD)),
            ("sellers", sellers_services.sellers_demo_load),
            ("catalog", lambda: catalog_services.catalog_demo_load(sellers=results["sellers"])),
            ("photos", catalog_services.catalog_demo_photos_load),
            (
                "stock",
                lambda: inventory_services.inventory_demo_load(
                    variant_ids=_demo_variant_ids(results["sellers"].values())
                ),
            ),
            ("lots", traceability_services.traceability_demo_load),
            ("logistics", lambda: logistics_services.logistics_demo_load(password=DEMO_PASSWORD)),
            ("training", lambda: training_services.training_demo_load(sellers=results["sellers"])),
            ("jobs", jobs_services.jobs_demo_load),
            (
                "shipping",
                lambda: shipping_services.shipping_demo_load(sellers=results["sellers"]),
            ),
            (
                "history",
                lambda: orders_services.orders_history_demo_load(
                    sellers=list(results["sellers"].values())[:3]
                ),
            ),
            ("finance", lambda: finance_services.finance_demo_load(password=DEMO_PASSWORD)),
            ("servicecenter", servicecenter_services.servicecenter_demo_load),
        ]
        # Apps in web's own layer (impact) register their steps with core; they run last.
        registered = demo_steps()
        steps.extend((name, load) for name, _label, load in registered)
        labels = {
            "regions": _("County, townships, villages and stations"),
            "roles": _("Roles and permissions"),
            "users": _("Demo logins"),
            "sellers": _("Shops"),
            "catalog": _("Brands and products"),
            "photos": _("Product pictures"),
            "stock": _("Stock"),
            "lots": _("Harvest lots and their journeys"),
            "logistics": _("Vans, today's orders, route plan and parcels at stations"),
            "training": _("Courses, a class and certificates"),
            "jobs": _("Job postings and a career fair"),
            "shipping": _("Carriers, shipping rates and free shipping"),
            "history": _("Eight months of past sales for three shops"),
            "finance": _("Loans in every state, repayments, payout accounts"),
            "servicecenter": _("Service-centre residents, commission rules and an assisted order"),
            **{name: label for name, label, _load in registered},
        }
        # tqdm rewrites its line with carriage returns, so it needs the raw stream, not
        # Django's OutputWrapper (which appends a newline to every write).
        stream = options.get("stderr") or sys.stderr
        with tqdm(
            total=len(steps), desc=_("Loading demo"), unit=_("step"), file=stream, disable=quiet
        ) as progress:
            for name, step in steps:
                progress.set_postfix_str(labels[name])
                # One transaction per step: a failure leaves the earlier steps' rows in place,
                # and running the command again picks up where it stopped.
                with transaction.atomic():
                    results[name] = step()
                progress.update()
        generated = 0
        if options["products"]:
            with tqdm(
                total=options["products"],
                desc=_("Generating products"),
                unit=_("product"),
                file=stream,
                disable=quiet,
            ) as progress:
                generated = catalog_services.catalog_demo_generate(
                    count=options["products"], progress=progress.update
                )
        # Last: the marker that opens /demo/, once every step above has run.
        links = [
            {"lot": lot.code, "link": traceability_selectors.lot_digital_link(lot=lot)}
            for lot in results["lots"]
        ]
        logistics: LogisticsDemoResult = results["logistics"]
        demo_site_mark(
            logins=[{"role": str(user.role), "phone": user.phone} for user in results["users"]],
            trace_links=links,
            pickup_orders=[
                {"order": code.order_number, "station": code.station} for code in logistics.codes
            ],
        )
        if not quiet:
            self._report(results["regions"], results["roles"], results["users"])
            self._report_marketplace(results["catalog"], results["stock"], generated)
            self._report_logistics(logistics)
            self._report_try(logistics, links, results["users"])

    def _report_logistics(self, logistics: LogisticsDemoResult) -> None:
        self.stdout.write(
            _(
                "Logistics for %(day)s: %(vehicles)d vans, %(orders)d orders, %(routes)d routes "
                "planned, %(parcels)d parcels waiting at stations."
            )
            % {
                "day": logistics.day.isoformat(),
                "vehicles": logistics.vehicles,
                "orders": logistics.orders,
                "routes": logistics.routes,
                "parcels": logistics.parcels_at_stations,
            }
        )

    def _report_try(
        self, logistics: LogisticsDemoResult, links: list[dict[str, str]], users: list[DemoUser]
    ) -> None:
        """The short part a newcomer reads: pickup codes, trace links, where to start."""
        # Pickup codes are secrets on a real site; the demo prints them because it is the demo
        # (they are derived from each parcel, never stored in clear).
        self.stdout.write("")
        self.stdout.write(
            _table(
                [
                    pgettext("demo table", "Order"),
                    pgettext("demo table", "Station"),
                    pgettext("demo table", "Pickup code"),
                ],
                [[code.order_number, code.station, code.code] for code in logistics.codes],
            )
        )
        self.stdout.write("")
        trace_rows = [[row["lot"], row["link"]] for row in links]
        self.stdout.write(
            _table(
                [pgettext("demo table", "Harvest lot"), pgettext("demo table", "Trace link")],
                trace_rows,
            )
        )
        self.stdout.write("")
        base = f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"
        buyer = next((user.phone for user in users if user.role == Role.BUYER), "")
        self.stdout.write(self.style.SUCCESS(_("Demo ready.")))
        self.stdout.write(
            _("Open %(url)s/ and log in with %(phone)s / %(password)s")
            % {"url": base, "phone": buyer, "password": DEMO_PASSWORD}
        )
        self.stdout.write(
            _("Every demo login, pickup code and trace link: %(url)s/demo/") % {"url": base}
        )

    def _report_marketplace(
        self, catalog: CatalogDemoResult, stock: dict[str, int], generated: int
    ) -> None:
        self.stdout.write(
            _(
                "Marketplace: %(brands)d brands, %(products)d demo products (%(created)d "
                "created), stock at %(locations)d locations (%(stocked)d new stock rows), "
                "%(generated)d generated products."
            )
            % {
                "brands": catalog.brands,
                "products": catalog.products,
                "created": catalog.created,
                "locations": stock["locations"],
                "stocked": stock["stocked"],
                "generated": generated,
            }
        )

    def _report(
        self, regions: DemoRegionsResult, missing_permissions: list[str], users: list[DemoUser]
    ) -> None:
        header = [_("Role"), _("Phone"), _("Password"), _("Name")]
        rows = [[str(user.role.label), user.phone, DEMO_PASSWORD, user.name] for user in users]
        self.stdout.write(_table(header, rows))
        self.stdout.write("")
        self.stdout.write(
            _(
                "Regions: county %(county)s, %(townships)d townships, %(villages)d sample "
                "villages, %(stations)d stations (%(created)d rows created, %(updated)d "
                "updated, %(unchanged)d unchanged). Coordinates are approximate."
            )
            % {
                "county": regions.county_code,
                "townships": regions.townships,
                "villages": regions.villages,
                "stations": regions.stations,
                "created": regions.created,
                "updated": regions.updated,
                "unchanged": regions.unchanged,
            }
        )
        self.stdout.write(
            _(
                "Logins: %(count)d demo users. The password is %(password)s unless it was "
                "changed after the first run."
            )
            % {"count": len(users), "password": DEMO_PASSWORD}
        )
        if missing_permissions:
            self.stdout.write(
                _("%(count)d role permissions wait for apps that are not built yet.")
                % {"count": len(missing_permissions)}
            )
