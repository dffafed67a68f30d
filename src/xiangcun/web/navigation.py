"""Who sees which navigation entry: the one table from roles to workspaces, and the nav builder.

Workspaces not built yet link to `web:workspace`, an honest placeholder page per role; when an
app builds its real pages, change that role's `url_name` here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import Role


@dataclass(frozen=True)
class Workspace:
    """A role's room in the site: its nav label and icon, and what it will hold."""

    key: str  # roles sharing a key (the logistics staff) share one nav entry
    label: Promise
    icon: str
    summary: Promise
    tasks: tuple[Promise, ...]
    # The page the nav entry opens; None for the placeholder `web:workspace` page.
    url_name: str | None = None
    # Pages built already that the placeholder links to: (label, url name).
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
            (_("Orders for my shop"), "orders:shop"),
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
        links=((_("Take cash for an order"), "orders:cash_find"),),
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
        links=((_("Take cash for an order"), "orders:cash_find"),),
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
            (_("Registered poor households"), "impact:households"),
            (_("Households not reached yet"), "impact:unreached"),
            (_("Monthly reports (PDF)"), "impact:reports"),
            (_("Public summary"), "impact:public"),
            (_("Seller payouts"), "finance:payouts"),
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
    ),
}

HOME_ICON = "🏠"
MARKET_ICON = "🏪"
CART_ICON = "🛒"
ORDERS_ICON = "📦"
ADMIN_ICON = "🔧"
LOGIN_ICON = "🔑"
REGISTER_ICON = "📝"


def workspace_url(role: Role, workspace: Workspace) -> str:
    if workspace.url_name:
        return reverse(workspace.url_name)
    return reverse("web:workspace", kwargs={"role": role.value})


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


def nav_items_for(*, authenticated: bool, roles: Iterable[Role], is_staff: bool) -> list[NavItem]:
    """Home, the shop and the cart for everybody; log in and register for visitors; their
    orders, each workspace the user's roles open and the admin for those who have them."""
    roles = set(roles)
    items = [
        NavItem(key="home", label=_("Home"), url=reverse("web:home"), icon=HOME_ICON),
        NavItem(key="market", label=_("Shop"), url=reverse("shop:home"), icon=MARKET_ICON),
        NavItem(key="cart", label=_("Cart"), url=reverse("cart:detail"), icon=CART_ICON),
    ]
    if not authenticated:
        items.append(
            NavItem(key="login", label=_("Log in"), url=reverse("accounts:login"), icon=LOGIN_ICON)
        )
        items.append(
            NavItem(
                key="register",
                label=_("Register"),
                url=reverse("accounts:register"),
                icon=REGISTER_ICON,
            )
        )
        return items
    items.append(
        NavItem(key="orders", label=_("My orders"), url=reverse("orders:list"), icon=ORDERS_ICON)
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
    if is_staff or Role.ADMIN in roles:
        items.append(
            NavItem(
                key="admin",
                label=_("Administration"),
                url=reverse("admin:index"),
                icon=ADMIN_ICON,
            )
        )
    return items
