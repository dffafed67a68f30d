"""Whether the signed-in person may open a page, asked of the same function the page asks.

The role homes list a page only when its check passes, so nobody is shown a link that answers
"no permission". Each check below calls the guard the page's own view calls (named beside it);
`tests/web/test_role_homes.py` opens every listed page as every demo user and fails when a
check and its page disagree, so a page that changes its guard cannot leave a home behind.
"""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakKeyDictionary

from django.contrib import admin
from django.http import HttpRequest

from xiangcun.accounts.auth import request_roles
from xiangcun.accounts.types import Role
from xiangcun.catalog.selectors import certification_may_verify
from xiangcun.finance.selectors import loan_is_officer
from xiangcun.finance.services import may_take_cash, payouts_permitted
from xiangcun.inventory.selectors import inbound_can_receive
from xiangcun.jobs.selectors import jobs_can_read
from xiangcun.logistics.types import (
    HANDOVER_ROLES,
    PACKING_ROLES,
    PICKUP_REQUEST_ROLES,
    ROAD_ROLES,
    WAREHOUSE_ROLES,
)
from xiangcun.sellers.selectors import (
    seller_can_review,
    sellers_managed_by,
    user_has_permission,
)
from xiangcun.servicecenter.services import stations_of
from xiangcun.shipping.selectors import shipping_console_allowed
from xiangcun.traceability.selectors import farms_recording_for, lot_may_recall
from xiangcun.training.selectors import training_can_manage

Check = Callable[[HttpRequest], bool]


def _user_check(check: Callable[..., bool]) -> Check:
    """A page guard of the form `guard(user=...)`."""
    return lambda request: bool(check(user=request.user))


def _roles_check(roles: frozenset[Role]) -> Check:
    """The logistics pages' guard (`logistics.views._common.allow` through
    `logistics.selectors.user_has_any_role`): one of the page's roles."""
    return lambda request: bool(request_roles(request) & roles)


def _permission_check(permission: str) -> Check:
    return lambda request: user_has_permission(user=request.user, permission=permission)


def _always(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _manages_a_shop(request: HttpRequest) -> bool:
    # the seller console and the shop's orders: a shop the person owns or helps (agents)
    return bool(sellers_managed_by(user=request.user))


def _console(request: HttpRequest) -> bool:
    # the console's first page also lets an agent who helps no farm yet see where to start
    return Role.AGENT in request_roles(request) or _manages_a_shop(request)


def _records_harvests(request: HttpRequest) -> bool:
    return bool(farms_recording_for(user=request.user))


def _at_a_station(request: HttpRequest) -> bool:
    # `servicecenter.views._common.station_page`: an agent with a station, or a supervisor
    return stations_of(request.user) != frozenset()


# The administrators' role (superusers) opens everything; the impact app sits on web's own layer
# and cannot be imported, so its viewers are named by role here (the programme manager and the
# administrator, `impact.services._common.VIEWER_ROLES`); the role-homes test guards the copy.
_IMPACT_VIEWERS = frozenset({Role.PROGRAMME_MANAGER, Role.ADMIN})
# `orders.views._common.CASH_ROLES`, the cash-taking staff (orders exports no check for it).
_CASH_ROLES = frozenset({Role.AGENT, Role.COURIER, Role.DRIVER, Role.WAREHOUSE, Role.ADMIN})


def _with_superuser(check: Check) -> Check:
    return lambda request: bool(getattr(request.user, "is_superuser", False) or check(request))


def admin_has_something(request: HttpRequest) -> bool:
    """Whether Django's admin would show this person any model (its index otherwise says only
    that they may change nothing: no link to such a dead end).

    The admin index's own test (`AdminSite._build_app_dict`: the module permission, then any of
    add, change, delete, view) without building its list (a URL per model): the nav asks on
    every page. It stops at the first model shown; the permissions come from the user's
    permission cache, read once per request and shared with every other check."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return any(
        model_admin.has_module_permission(request)
        and True in model_admin.get_model_perms(request).values()
        for model_admin in admin.site._registry.values()
    )


_officer = _user_check(loan_is_officer)
_trainer = _user_check(training_can_manage)
_warehouse = _with_superuser(_roles_check(WAREHOUSE_ROLES))
_packing = _with_superuser(_roles_check(PACKING_ROLES))
_impact_viewer = _with_superuser(_roles_check(_IMPACT_VIEWERS))

CHECKS: dict[str, Check] = {
    # sellers and agents
    "console:home": _console,
    "orders:shop": _manages_a_shop,
    "finance:money": _always,
    "finance:loans": _always,
    "inventory:inbound": _manages_a_shop,
    "traceability:harvest": _records_harvests,
    "traceability:lots": _manages_a_shop,
    "logistics:pickups": _with_superuser(_roles_check(PICKUP_REQUEST_ROLES)),
    # service centre
    "servicecenter:desk": _at_a_station,
    "servicecenter:residents": _at_a_station,
    "servicecenter:counter": _at_a_station,
    "servicecenter:drawer": _at_a_station,
    "orders:cash_find": _with_superuser(_roles_check(_CASH_ROLES)),
    "logistics:handover": _with_superuser(_roles_check(HANDOVER_ROLES)),
    "finance:cash_take": _user_check(may_take_cash),
    # logistics
    "logistics:dispatch": _warehouse,
    "logistics:route": _with_superuser(_roles_check(ROAD_ROLES)),
    "logistics:packing": _packing,
    "logistics:carriers": _packing,
    "logistics:intake": _warehouse,
    "logistics:returns": _warehouse,
    "logistics:fleet": _warehouse,
    "logistics:staff": _warehouse,
    "inventory:inbound_expected": _user_check(inbound_can_receive),
    "shipping:console": _user_check(shipping_console_allowed),
    # loans
    "finance:officer": _officer,
    "finance:officer_products": _officer,
    "finance:arrears": _officer,
    "finance:portfolio": _officer,
    # jobs and training
    "jobs:workspace": _user_check(jobs_can_read),
    "training:trainer": _trainer,
    "training:session_new": _trainer,
    "training:results": _trainer,
    # programme management: review, recall, payouts, impact
    "sellers:review_queue": _user_check(seller_can_review),
    "console:review_queue": _permission_check("catalog.review_product"),
    "console:certificate_queue": _user_check(certification_may_verify),
    "traceability:recall": _user_check(lot_may_recall),
    "finance:payouts": _user_check(payouts_permitted),
    "impact:dashboard": _impact_viewer,
    "impact:households": _impact_viewer,
    "impact:unreached": _impact_viewer,
    "impact:reports": _impact_viewer,
    "impact:public": lambda request: True,
    # brands: written in the admin (the brand manager holds catalog.*_brand, *_certification)
    "admin:catalog_brand_changelist": _permission_check("catalog.view_brand"),
    "admin:catalog_certification_changelist": _permission_check("catalog.view_certification"),
    "admin:index": admin_has_something,
}


# Answers per request: pages sharing a guard (the officer's four) ask it once.
_answers: WeakKeyDictionary[HttpRequest, dict[Check, bool]] = WeakKeyDictionary()


def may_open(request: HttpRequest, url_name: str) -> bool:
    """Whether the signed-in person may open the page named `url_name` (a name without a check
    is a programming error: every linked page has one)."""
    check = CHECKS[url_name]
    answers = _answers.setdefault(request, {})
    if check not in answers:
        answers[check] = check(request)
    return answers[check]
