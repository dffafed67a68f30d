"""Who sees which navigation entry: the one table from roles to workspaces, and the nav builder.

A workspace's nav entry opens its app's own page (`url_name`), or `web:workspace`, the role's
page in the site shell, when the app has none. Its `links` are the pages of that work: the home
page and the workspace page show each one only to those who may open it (`web.access`, which
asks the page's own guard), so every page a role needs is one tap from its home and none of
them answers "no permission".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import Role
from xiangcun.web.access import may_open


@dataclass(frozen=True)
class Workspace:
    """A role's room in the site: its nav label and icon, and what it will hold."""

    key: str  # roles sharing a key (the logistics staff) share one nav entry
    label: Promise
    icon: str
    summary: Promise
    tasks: tuple[Promise, ...]
    # The page the nav entry opens; None for the site shell's `web:workspace` page.
    url_name: str | None = None
    # The pages of this work, (label, url name), each with a check in `web.access.CHECKS`.
    links: tuple[tuple[Promise, str], ...] = ()


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url: str
    icon: str


# Buyers and residents have no workspace of their own: what they do (shop, collect parcels,
# apply for jobs) happens on the public pages.
WORKSPACES: dict[Role, Workspace] = {
    Role.SELLER: Workspace(
        key="shop",
        label=_("My shop"),
        icon="🏪",
        summary=_("Sell your farm goods and crafts online."),
        tasks=(
            _("List your products with photos and prices."),
            _("Record harvests so buyers can trace them."),
            _("See your orders, sales and payouts."),
            _("Ask for a van to collect your goods from the farm."),
        ),
        url_name="console:home",
        links=(
            (_("My products"), "console:home"),
            (_("Orders for my shop"), "orders:shop"),
            (_("Record a harvest"), "traceability:harvest"),
            (_("My lots and their labels"), "traceability:lots"),
            (_("My money"), "finance:money"),
            (_("My loans"), "finance:loans"),
            (_("Ship stock to the county warehouse"), "inventory:inbound"),
            (_("Farm pickups"), "logistics:pickups"),
        ),
    ),
    Role.AGENT: Workspace(
        key="service_desk",
        label=_("Service desk"),
        icon="🤝",
        summary=_("Help residents at the service centre."),
        tasks=(
            _("Place orders for residents and take cash."),
            _("Hand out parcels and take returns."),
            _("Count the cash drawer at the end of the day."),
        ),
        # The station desk: the agent's day on one page (servicecenter).
        url_name="servicecenter:desk",
        links=(
            (_("Station desk"), "servicecenter:desk"),
            (_("Counter: order for a resident"), "servicecenter:counter"),
            (_("Find or register a resident"), "servicecenter:residents"),
            (_("Cash drawer"), "servicecenter:drawer"),
            (_("Help a farmer list products"), "console:home"),
            (_("Take cash for an order"), "orders:cash_find"),
            (_("Hand over a parcel (pickup code)"), "logistics:handover"),
            (_("Take a loan repayment in cash"), "finance:cash_take"),
            (_("Farm pickups"), "logistics:pickups"),
        ),
    ),
    Role.WAREHOUSE: Workspace(
        key="logistics",
        label=_("Logistics"),
        icon="🚚",
        summary=_("Run the county warehouse."),
        tasks=(
            _("Receive and grade goods from farm pickups."),
            _("See stock in the warehouse and at stations."),
            _("Plan the routes to the village stations."),
        ),
        # The logistics home: dispatch first, then intake, farm pickups, fleet, staff.
        url_name="logistics:home",
        links=(
            (_("Dispatch: today's routes"), "logistics:dispatch"),
            (_("Intake and grading"), "logistics:intake"),
            (_("Packing"), "logistics:packing"),
            (_("Returned parcels"), "logistics:returns"),
            (_("Farm pickups"), "logistics:pickups"),
            (_("National carriers and hand-over"), "logistics:carriers"),
            (_("Expected deliveries into the county"), "inventory:inbound_expected"),
            (_("Shipping rates"), "shipping:console"),
            (_("Fleet"), "logistics:fleet"),
            (_("Staff and shifts"), "logistics:staff"),
            (_("Take cash for an order"), "orders:cash_find"),
        ),
    ),
    Role.PACKER: Workspace(
        key="logistics",
        label=_("Logistics"),
        icon="🚚",
        summary=_("Pack orders at the warehouse."),
        tasks=(
            _("See the orders waiting to be packed."),
            _("Print labels and hand parcels to carriers."),
        ),
        url_name="logistics:packing",
        links=(
            (_("Packing"), "logistics:packing"),
            (_("National carriers and hand-over"), "logistics:carriers"),
        ),
    ),
    Role.DRIVER: Workspace(
        key="logistics",
        label=_("Logistics"),
        icon="🚚",
        summary=_("Drive the routes through the villages."),
        tasks=(
            _("See today's route and stops."),
            _("Record farm pickups and deliveries to stations."),
        ),
        url_name="logistics:route",
        links=(
            (_("Today's route"), "logistics:route"),
            (_("Take cash for an order"), "orders:cash_find"),
        ),
    ),
    Role.COURIER: Workspace(
        key="logistics",
        label=_("Logistics"),
        icon="🚚",
        summary=_("Deliver parcels to homes and stations."),
        tasks=(
            _("See the parcels to deliver today."),
            _("Record each delivery with proof."),
        ),
        url_name="logistics:route",
        links=(
            (_("Today's route"), "logistics:route"),
            (_("Take cash for an order"), "orders:cash_find"),
        ),
    ),
    Role.LOAN_OFFICER: Workspace(
        key="loans",
        label=_("Loans"),
        icon="💴",
        summary=_("Review and follow loans."),
        tasks=(
            _("Review loan applications with the applicant's sales."),
            _("Approve and pay out loans."),
            _("Follow repayments and late payments."),
        ),
        url_name="finance:officer",
        links=(
            (_("Loan applications to review"), "finance:officer"),
            (_("Late payments"), "finance:arrears"),
            (_("Loan portfolio"), "finance:portfolio"),
            (_("Loan products"), "finance:officer_products"),
            (_("Take a loan repayment in cash"), "finance:cash_take"),
        ),
    ),
    Role.RECRUITER: Workspace(
        key="jobs",
        label=_("Jobs"),
        icon="👷",
        summary=_("Fill the programme's jobs."),
        tasks=(
            _("Post jobs and run career fairs."),
            _("Move applicants from application to hire."),
        ),
        url_name="jobs:workspace",
        links=((_("Postings, applicants and career fairs"), "jobs:workspace"),),
    ),
    Role.TRAINER: Workspace(
        key="training",
        label=_("Training"),
        icon="🎓",
        summary=_("Teach e-commerce and food-safety skills."),
        url_name="training:trainer",
        tasks=(
            _("Run courses online and at service centres."),
            _("Take attendance and issue certificates."),
        ),
        links=(
            (_("My classes and courses"), "training:trainer"),
            (_("Plan a class"), "training:session_new"),
            (_("Results by township"), "training:results"),
        ),
    ),
    Role.PROGRAMME_MANAGER: Workspace(
        key="impact",
        label=_("Impact"),
        icon="📊",
        summary=_("See what the programme achieves."),
        tasks=(
            _("See people reached, income paid and jobs filled."),
            _("Compare townships and villages."),
            _("Export reports."),
        ),
        # The impact dashboard (impact, in web's layer: named here by URL only, never imported).
        url_name="impact:dashboard",
        links=(
            (_("Programme figures"), "impact:dashboard"),
            (_("Registered poor households"), "impact:households"),
            (_("Households not reached yet"), "impact:unreached"),
            (_("Monthly reports (PDF)"), "impact:reports"),
            (_("Public summary"), "impact:public"),
            (_("Shop applications to review"), "sellers:review_queue"),
            (_("Products to review"), "console:review_queue"),
            (_("Certificates to check"), "console:certificate_queue"),
            (_("Recall a lot"), "traceability:recall"),
            (_("Seller payouts"), "finance:payouts"),
            (_("Shipping rates"), "shipping:console"),
            (_("Jobs pipeline"), "jobs:workspace"),
            (_("Service centres"), "servicecenter:desk"),
        ),
    ),
    Role.BRAND_MANAGER: Workspace(
        key="brands",
        label=_("Brands"),
        icon="🏅",
        summary=_("Build Danzhai's online brands."),
        tasks=(
            _("Write brand pages with their story and origin."),
            _("Certify products under a brand."),
            _("See sales per brand."),
        ),
        # No app page of its own yet: the site shell's workspace page lists these.
        links=(
            (_("Products to review"), "console:review_queue"),
            (_("Certificates to check"), "console:certificate_queue"),
            (_("Brands: write and edit"), "admin:catalog_brand_changelist"),
            (_("Certificates: add and renew"), "admin:catalog_certification_changelist"),
            (_("Recall a lot"), "traceability:recall"),
        ),
    ),
}

HOME_ICON = "🏠"
MARKET_ICON = "🏪"
CART_ICON = "🛒"
ORDERS_ICON = "📦"
ADMIN_ICON = "🔧"
LOGIN_ICON = "🔑"
REGISTER_ICON = "📝"


# URLs of the nav, per URL conf, script prefix and name: the nav is built on every page and
# `reverse` is one of the costly parts of a page (a few dozen microseconds each).
_urls: dict[tuple[object, str, str, str], str] = {}


def _url(name: str, role: str = "") -> str:
    key = (get_urlconf(), get_script_prefix(), name, role)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name, kwargs={"role": role} if role else None)
    return url


def workspace_url(role: Role, workspace: Workspace) -> str:
    if workspace.url_name:
        return _url(workspace.url_name)
    return _url("web:workspace", role=role.value)


def links_for(request: HttpRequest, workspace: Workspace) -> list[tuple[Promise, str]]:
    """The workspace's pages this person may open, (label, url), in the table's order."""
    return [
        (label, _url(url_name))
        for label, url_name in workspace.links
        if may_open(request, url_name)
    ]


def workspaces_for(roles: Iterable[Role]) -> list[tuple[Role, Workspace]]:
    """One entry per workspace the roles open, in the table's order (never per role)."""
    held = set(roles)
    seen: set[str] = set()
    found: list[tuple[Role, Workspace]] = []
    for role, workspace in WORKSPACES.items():
        if role in held and workspace.key not in seen:
            seen.add(workspace.key)
            found.append((role, workspace))
    return found


def nav_items_for(
    *, authenticated: bool, roles: Iterable[Role], admin_allowed: bool
) -> list[NavItem]:
    """Home, the shop and the cart for everybody; log in and register for visitors; their
    orders, each workspace the user's roles open and the admin for those it shows something."""
    roles = set(roles)
    items = [
        NavItem(key="home", label=_("Home"), url=_url("web:home"), icon=HOME_ICON),
        NavItem(key="market", label=_("Shop"), url=_url("shop:home"), icon=MARKET_ICON),
        NavItem(key="cart", label=_("Cart"), url=_url("cart:detail"), icon=CART_ICON),
    ]
    if not authenticated:
        items.append(
            NavItem(key="login", label=_("Log in"), url=_url("accounts:login"), icon=LOGIN_ICON)
        )
        items.append(
            NavItem(
                key="register",
                label=_("Register"),
                url=_url("accounts:register"),
                icon=REGISTER_ICON,
            )
        )
        return items
    items.append(
        NavItem(key="orders", label=_("My orders"), url=_url("orders:list"), icon=ORDERS_ICON)
    )
    for role, workspace in workspaces_for(roles):
        items.append(
            NavItem(
                key=workspace.key,
                label=workspace.label,
                url=workspace_url(role, workspace),
                icon=workspace.icon,
            )
        )
    if admin_allowed:
        items.append(
            NavItem(
                key="admin",
                label=_("Administration"),
                url=_url("admin:index"),
                icon=ADMIN_ICON,
            )
        )
    return items
