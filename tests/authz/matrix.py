"""Who may do what on whose records: one row per API operation (method and OpenAPI path) and
per page (URL pattern), read by tests/authz/test_matrix.py.

A row names, for each actor (the fourteen roles, `applicant` = a buyer whose shop waits for
review, and nobody signed in), how far they reach:

- ALL: allowed on side a's record and on side b's (staff whose job spans the county);
- OWN: allowed on their own side's record only: the buyer's orders, the seller's shop,
  products, lots and order lines, the agent's station, the driver's route;
- absent: denied everywhere.

"Allowed" means the request passed the permission check: any answer but 401, 403, a 404 (the
record hidden) or a 5xx. A 400, 409, 422 or 429 for an allowed actor counts as allowed: the
body is minimal (or the record in a state that refuses the step), and what the matrix checks is
who gets through, not what the step then does. "Denied" is 401 or 403, or a 404 where hiding
the record is the design; for pages also a redirect to the login page.

A row with `shows` is about what an answer reveals rather than whether it answers: the record
(an order in a list, an event of a lot) or secret (a pickup code, a stock location) counts as
seen when its text (the world's marker of that name) is in the response, and an actor denied
must get it nowhere in a 2xx answer. An endpoint may have several rows (one per `aspect`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from xiangcun.accounts.types import Role

APPLICANT = "applicant"


class Access(Enum):
    OWN = "own"
    ALL = "all"


OWN = Access.OWN
ALL = Access.ALL

Ids = Mapping[str, Any]
Body = Callable[[Ids], dict[str, Any]]

EVERY_ROLE: tuple[str, ...] = (*(role.value for role in Role), APPLICANT)


def everyone(access: Access = ALL) -> dict[str, Access]:
    return dict.fromkeys(EVERY_ROLE, access)


def only(*who: str | Role, access: Access = ALL) -> dict[str, Access]:
    return {str(getattr(actor, "value", actor)): access for actor in who}


# Role groups as the services define them (logistics/types.py, orders/services.py).
WAREHOUSE = (Role.WAREHOUSE, Role.ADMIN)
PACKING = (Role.PACKER, Role.WAREHOUSE, Role.ADMIN)
ROAD = (Role.DRIVER, Role.COURIER, Role.WAREHOUSE, Role.ADMIN)
PICKUP_STAFF = (Role.WAREHOUSE, Role.ADMIN)
CASH = (Role.AGENT, Role.COURIER, Role.DRIVER, Role.WAREHOUSE, Role.ADMIN)
# Staff who may open any order to pack, carry, hand over or help a buyer.
ORDER_STAFF = (
    Role.WAREHOUSE,
    Role.PACKER,
    Role.DRIVER,
    Role.COURIER,
    Role.AGENT,
    Role.ADMIN,
    Role.PROGRAMME_MANAGER,
)
CANCEL_STAFF = (Role.AGENT, Role.WAREHOUSE, Role.ADMIN)
# Who may see unlisted products: the shop's managers and the reviewers.
REVIEWERS = (Role.BRAND_MANAGER, Role.PROGRAMME_MANAGER, Role.ADMIN)
SELLER_REVIEWERS = (Role.PROGRAMME_MANAGER, Role.ADMIN)
# Roles with a workspace page (web/navigation.py); buyers and residents use the shop.
WORKSPACE_ROLES = (
    Role.SELLER,
    Role.AGENT,
    Role.WAREHOUSE,
    Role.PACKER,
    Role.DRIVER,
    Role.COURIER,
    Role.LOAN_OFFICER,
    Role.RECRUITER,
    Role.TRAINER,
    Role.PROGRAMME_MANAGER,
    Role.BRAND_MANAGER,
)
RECALLERS = (Role.BRAND_MANAGER, Role.PROGRAMME_MANAGER, Role.ADMIN)
# Logistics staff record EPCIS events of any lot; they and the managers who answer for lots
# read every event. A shop's managers (owner, agent) those of its lots, once it is approved.
EPCIS_CAPTURE = (Role.WAREHOUSE, Role.PACKER, Role.DRIVER, Role.COURIER, Role.ADMIN)
EPCIS_READERS = (Role.BRAND_MANAGER, Role.PROGRAMME_MANAGER)
# Staff who record lots for any farm (traceability.selectors.RECORDING_STAFF_ROLES).
LOT_STAFF = (Role.WAREHOUSE, Role.BRAND_MANAGER)


# Loans (task loans, finance/services/_loan_common.py OFFICERS): officers decide and disburse.
LOAN_OFFICERS = (Role.LOAN_OFFICER, Role.ADMIN)

# Payouts (task payouts, finance.run_payouts in accounts/roles.py): finance staff run payouts
# and read any shop's money; a shop's money is otherwise its managers' (sellers' seller_can_manage).
FINANCE_STAFF = (Role.PROGRAMME_MANAGER, Role.ADMIN)

# Jobs (jobs/selectors.py): recruiters manage postings, fairs and the pipeline; programme
# managers read them.
JOBS_MANAGERS = (Role.RECRUITER, Role.ADMIN)
JOBS_READERS = (Role.RECRUITER, Role.PROGRAMME_MANAGER, Role.ADMIN)


def _posting_body(ids: Ids) -> dict[str, Any]:
    return {
        "title": "authz job",
        "role": "packer",
        "wage_min": 3500,
        "wage_max": 3500,
        "opens_on": ids["tomorrow"],
        "closes_on": ids["tomorrow"],
        "township": ids["township_id"],
    }


def shop(**extra: Access) -> dict[str, Access]:
    """A shop's own things: its seller; an agent for any village farmer (sellers.selectors
    `seller_can_manage`); the administrator."""
    return {Role.SELLER.value: OWN, Role.AGENT.value: ALL, Role.ADMIN.value: ALL, **extra}


def order_viewers() -> dict[str, Access]:
    return {
        Role.BUYER.value: OWN,
        Role.SELLER.value: OWN,
        **only(*ORDER_STAFF),
    }


# Service centre (issue 10, servicecenter/services/_common.py): an agent acts at their own
# station (OWN: their side's station, resident, order and drawer); the staff above them
# (warehouse manager, programme manager, administrator) act for any station they name.
SC_SUPERVISORS = (Role.WAREHOUSE, Role.PROGRAMME_MANAGER, Role.ADMIN)


def sc_staff() -> dict[str, Access]:
    return {Role.AGENT.value: OWN, **only(*SC_SUPERVISORS)}


def _sc_station(ids: Ids) -> dict[str, Any]:
    return {"station": ids["station"]}


def _sc_order_body(ids: Ids) -> dict[str, Any]:
    return {
        "resident": ids["sc_resident"],
        "lines": [{"variant": ids["variant"], "quantity": 1}],
        "payment_method": "cash_on_pickup",
        "station": ids["station"],
    }


def _sc_counter_body(ids: Ids) -> dict[str, Any]:
    return {
        "resident": ids["sc_resident"],
        "lines": [{"variant": ids["variant"], "quantity": 1, "price": ids["variant_price"]}],
        "payment_method": "cash_on_pickup",
        "station": ids["station"],
    }


# Impact (issue 12, impact/services/_common.py): the programme manager and the administrators
# read every figure and household; the public summary is anyone's.
IMPACT_VIEWERS = (Role.PROGRAMME_MANAGER, Role.ADMIN)


def _impact_filters(ids: Ids) -> dict[str, Any]:
    return {"township": ids["township"], "from": "2026-01-01", "to": "2026-01-31"}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    who: Mapping[str, Access]
    anonymous: bool = False
    # Path parameter -> world id key, where the parameter's name does not say it.
    params: Mapping[str, str] = field(default_factory=dict)
    body: Body | None = None
    query: Body | None = None
    # Request headers the operation needs (an Idempotency-Key), from the target side's ids.
    headers: Callable[[Ids], dict[str, str]] | None = None
    # A page that takes a JSON body (the counter's queue), not a form.
    json: bool = False
    multipart: bool = False
    shows: str = ""
    aspect: str = ""
    # Error codes of a 401, 403 or 404 that are the endpoint's own answer, not a refusal of
    # the caller (a wrong login code, no route today).
    answers: tuple[str, ...] = ()
    # Public callbacks whose answer depends on a signature, not on who calls: only no 5xx.
    any_answer: bool = False
    # Pages that turn a refusal into an error message and a redirect: a redirect carrying an
    # error message counts as denied (the world is set so that allowed actors succeed).
    flash: bool = False
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.aspect}]" if self.aspect else "")


def _order_body(ids: Ids) -> dict[str, Any]:
    return {
        "lines": [{"variant": ids["variant"], "quantity": 1}],
        "delivery": {"method": "station_pickup", "station": ids["station"]},
        "payment_method": "sandbox",
    }


def _pickup_body(ids: Ids) -> dict[str, Any]:
    return {
        "seller": ids["seller"],
        "variant": ids["variant"],
        "day": ids["tomorrow"],
        "window_start": "09:00",
        "window_end": "12:00",
        "expected_kg": 10,
        "crates": 1,
        "place": "authz barn",
        "contact_phone": "13800138000",
        "latitude": "26.2",
        "longitude": "107.8",
    }


API = "/api/v1"

API_ROWS: tuple[Row, ...] = (
    # --- accounts: signing in is for anyone; the rest for the signed-in caller themselves ---
    Row("POST", f"{API}/auth/token", everyone(), anonymous=True,
        body=lambda ids: {"phone": ids["buyer_phone"], "password": ids["password"]}),
    Row("DELETE", f"{API}/auth/token", everyone()),
    Row("POST", f"{API}/auth/otp", everyone(), anonymous=True,
        body=lambda ids: {"phone": ids["buyer_phone"]}),
    Row("POST", f"{API}/auth/otp/token", everyone(), anonymous=True,
        body=lambda ids: {"phone": ids["buyer_phone"], "code": "000000"},
        answers=("otp_expired", "otp_invalid", "otp_wrong")),
    Row("GET", f"{API}/auth/me", everyone()),
    # --- regions: public reference data ---
    Row("GET", f"{API}/regions/townships", everyone(), anonymous=True),
    Row("GET", f"{API}/regions/townships/{{code}}/villages", everyone(), anonymous=True,
        params={"code": "township"}),
    Row("GET", f"{API}/regions/stations", everyone(), anonymous=True),
    Row("GET", f"{API}/regions/stations/{{station_id}}", everyone(), anonymous=True),
    # --- regions (task regions): mainland China's divisions and "paste an address", public ---
    Row("GET", f"{API}/regions/divisions", everyone(), anonymous=True),
    Row("POST", f"{API}/regions/addresses/parse", everyone(), anonymous=True,
        body=lambda ids: {"text": "广东省广州市天河区体育西路123号 张三 13912345678"}),
    # --- catalog ---
    Row("GET", f"{API}/catalog/products", everyone(), anonymous=True),
    Row("POST", f"{API}/catalog/products", shop(),
        body=lambda ids: {"seller_id": ids["seller"], "category_id": ids["category_id"],
                          "name": "authz product"}),
    Row("GET", f"{API}/catalog/products/{{product_id}}", shop(**only(*REVIEWERS)),
        params={"product_id": "draft_product"}, note="a draft: hidden from all but its "
        "managers and the reviewers"),
    Row("PATCH", f"{API}/catalog/products/{{product_id}}", shop(),
        body=lambda ids: {"name": "authz renamed"}),
    Row("GET", f"{API}/catalog/sellers/{{seller_id}}/products", everyone(), anonymous=True),
    Row("GET", f"{API}/catalog/brands", everyone(), anonymous=True),
    Row("GET", f"{API}/catalog/brands/{{slug}}", everyone(), anonymous=True,
        params={"slug": "brand"}),
    Row("GET", f"{API}/catalog/categories", everyone(), anonymous=True),
    Row("POST", f"{API}/catalog/products/{{product_id}}/variants", shop(),
        body=lambda ids: {"sku": "AUTHZ-NEW", "name": "1 kg", "unit": "kg", "price": "9.90"}),
    Row("PATCH", f"{API}/catalog/variants/{{variant_id}}", shop(),
        body=lambda ids: {"name": "2 kg"}),
    Row("POST", f"{API}/catalog/products/{{product_id}}/submit", shop(),
        params={"product_id": "draft_product"}),
    Row("POST", f"{API}/catalog/products/{{product_id}}/delist", shop(**only(*REVIEWERS)),
        note="reviewers may take a listed product off sale"),
    Row("POST", f"{API}/catalog/products/{{product_id}}/review", only(*REVIEWERS),
        params={"product_id": "review_product"},
        body=lambda ids: {"approve": False, "note": "authz"}),
    Row("POST", f"{API}/catalog/products/{{product_id}}/photos", shop(), multipart=True),
    # --- sellers ---
    Row("GET", f"{API}/sellers", everyone(), anonymous=True),
    Row("POST", f"{API}/sellers", everyone(),
        body=lambda ids: {"kind": "farmer", "name": "authz farm", "village_id": ids["village"]}),
    Row("GET", f"{API}/sellers/managed", shop(), shows="shop",
        note="the caller's own shops only"),
    Row("GET", f"{API}/sellers/{{seller_id}}",
        {APPLICANT: OWN, **only(Role.AGENT, *SELLER_REVIEWERS)},
        params={"seller_id": "applicant_seller"},
        note="a shop waiting for review: its applicant, the agent and the reviewers"),
    Row("POST", f"{API}/sellers/{{seller_id}}/review", only(*SELLER_REVIEWERS),
        params={"seller_id": "applicant_seller"},
        body=lambda ids: {"approve": False, "note": "authz"}),
    Row("POST", f"{API}/sellers/{{seller_id}}/suspend", only(*SELLER_REVIEWERS),
        body=lambda ids: {"note": "authz"}),
    Row("POST", f"{API}/sellers/{{seller_id}}/reinstate", only(*SELLER_REVIEWERS),
        body=lambda ids: {"note": "authz"}),
    # --- training: courses and sessions are open; attempts, registrations and certificates
    # are their learner's (a registration also its session's trainer's) ---
    Row("GET", f"{API}/training/courses", everyone(), anonymous=True),
    Row("GET", f"{API}/training/courses/{{course_id}}", everyone(), anonymous=True),
    Row("POST", f"{API}/training/lessons/{{lesson_id}}/read", everyone()),
    Row("POST", f"{API}/training/courses/{{course_id}}/attempts", everyone()),
    Row("POST", f"{API}/training/attempts/{{attempt_id}}", only(Role.BUYER, access=OWN),
        body=lambda ids: {"answers": {"1": 1}}, note="the learner's own attempt only"),
    Row("GET", f"{API}/training/sessions", everyone(), anonymous=True),
    Row("POST", f"{API}/training/sessions/{{session_id}}/registrations", everyone()),
    Row("POST", f"{API}/training/registrations/{{registration_id}}/cancel",
        {Role.BUYER.value: OWN, Role.TRAINER.value: OWN, Role.ADMIN.value: ALL},
        note="the learner, the session's own trainer, the administrator"),
    Row("GET", f"{API}/training/certificates", only(Role.BUYER, access=OWN),
        shows="certificate", note="the caller's own certificates only"),
    Row("GET", f"{API}/training/certificates/{{code}}", everyone(), anonymous=True,
        params={"code": "certificate_code"}),
    # --- jobs: open postings and the headcount are public; anyone signed in applies for
    # themselves; recruiters (and the administrator) manage, programme managers read; an
    # application is also its applicant's (the world's resident) ---
    # --- shipping (task shipping): a quote is public, anyone (signed in or not) prices goods
    # to a county; the world has no rates, so the answer is a 409, which passes the check ---
    Row("POST", f"{API}/logistics/rates/quote", everyone(), anonymous=True,
        body=lambda ids: {"lines": [{"variant": ids["variant"], "quantity": 1}],
                          "address": {"county_code": "440106"}}),
    Row("GET", f"{API}/jobs/postings", everyone(), anonymous=True),
    Row("POST", f"{API}/jobs/postings", only(*JOBS_MANAGERS), body=_posting_body),
    Row("GET", f"{API}/jobs/postings/{{posting_id}}", everyone(), anonymous=True),
    Row("POST", f"{API}/jobs/postings/{{posting_id}}/status", only(*JOBS_MANAGERS),
        body=lambda ids: {"status": "open"}),
    Row("GET", f"{API}/jobs/postings/{{posting_id}}/applications", only(*JOBS_READERS)),
    Row("POST", f"{API}/jobs/applications", everyone(),
        body=lambda ids: {"posting": ids["posting"], "name": "authz", "village": ids["village"]},
        note="for oneself: the phone is the caller's own"),
    Row("POST", f"{API}/jobs/applications/move", only(*JOBS_MANAGERS),
        body=lambda ids: {"applications": [ids["application"]], "to": "screened"}),
    Row("GET", f"{API}/jobs/applications/{{application_id}}",
        {Role.RESIDENT.value: OWN, **only(*JOBS_READERS)}),
    Row("POST", f"{API}/jobs/applications/{{application_id}}/move",
        {Role.RESIDENT.value: OWN, **only(*JOBS_MANAGERS)}, body=lambda ids: {"to": "withdrawn"},
        note="the applicant may withdraw their own"),
    Row("POST", f"{API}/jobs/applications/{{application_id}}/hire", only(*JOBS_MANAGERS),
        body=lambda ids: {"start_date": ids["tomorrow"], "monthly_wage": 4000}),
    Row("GET", f"{API}/jobs/fairs", only(*JOBS_READERS)),
    Row("POST", f"{API}/jobs/fairs", only(*JOBS_MANAGERS),
        body=lambda ids: {"name": "authz fair", "day": ids["tomorrow"], "place": "authz",
                          "township": ids["township_id"], "postings": [ids["posting"]]}),
    Row("GET", f"{API}/jobs/fairs/{{fair_id}}/report", only(*JOBS_READERS)),
    Row("GET", f"{API}/jobs/headcount", everyone(), anonymous=True),
    # --- loans (task loans): a shop's loans are its seller's and a village farmer's agent's
    # (sellers' seller_can_manage), and every loan officer's; officers decide. An officer's
    # approval above their limit waits for a second officer (above_approval_limit,
    # second_officer_required are the step's own answers, not the caller refused) ---
    Row("GET", f"{API}/finance/loan-products", everyone()),
    Row("GET", f"{API}/finance/loans/applications", everyone(),
        note="the caller's own shops' open applications, or the officer's queue"),
    Row("POST", f"{API}/finance/loans/applications", shop(),
        body=lambda ids: {"seller": ids["seller"], "product": ids["loan_product"],
                          "amount": "5000", "periods": 6},
        note="the shop already has one open: 409 for whoever may apply"),
    Row("GET", f"{API}/finance/loans", everyone(), note="each caller's own list"),
    Row("GET", f"{API}/finance/loans/{{loan_id}}", shop(**only(*LOAN_OFFICERS))),
    Row("GET", f"{API}/finance/loans/{{loan_id}}/schedule", shop(**only(*LOAN_OFFICERS))),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/approve", only(*LOAN_OFFICERS),
        body=lambda ids: {"amount": "5000"},
        answers=("above_approval_limit", "second_officer_required")),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/decline", only(*LOAN_OFFICERS),
        body=lambda ids: {"reason": "authz"}),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/more-info", only(*LOAN_OFFICERS),
        body=lambda ids: {"note": "authz"}),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/answer", shop(),
        body=lambda ids: {"note": "authz"}),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/withdraw", shop()),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/disburse", only(*LOAN_OFFICERS)),
    # --- settlement and payouts (task payouts): a shop's money for its managers and finance
    # staff (404 seller_not_found for anyone else); staff start the day's run (a second run
    # the same day is 409 payout_run_exists: allowed) ---
    Row("GET", f"{API}/finance/balance", shop(**only(*FINANCE_STAFF)),
        query=lambda ids: {"seller": ids["seller"]}),
    Row("GET", f"{API}/finance/statements", shop(**only(*FINANCE_STAFF)),
        query=lambda ids: {"seller": ids["seller"], "month": ids["month"]}),
    Row("GET", f"{API}/finance/payouts", shop(**only(*FINANCE_STAFF)),
        query=lambda ids: {"seller": ids["seller"]}),
    Row("POST", f"{API}/finance/payout-runs", only(*FINANCE_STAFF)),
    # --- repayments (task repayments, finance/services/repayments.py): a loan's repayments are
    # its seller's and those of staff who take cash (agents) or manage loans (officers); cash
    # is recorded by an agent of that station (OWN: their side's station) or an officer (the
    # same reference again is 200); arrears, portfolio and write-offs are the officers' (a
    # second write-off is 409 nothing_to_write_off: allowed) ---
    Row("GET", f"{API}/finance/loans/{{loan_id}}/repayments",
        {Role.SELLER.value: OWN, **only(Role.AGENT, *LOAN_OFFICERS)},
        params={"loan_id": "repay_loan"}),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/repayments",
        {Role.AGENT.value: OWN, **only(*LOAN_OFFICERS)}, params={"loan_id": "repay_loan"},
        body=lambda ids: {"amount": "1.00", "channel": "cash", "station": ids["station"],
                          "reference": f"authz-cash-{ids['repay_loan']}"}),
    Row("GET", f"{API}/finance/arrears", only(*LOAN_OFFICERS)),
    Row("GET", f"{API}/finance/portfolio", only(*LOAN_OFFICERS)),
    Row("POST", f"{API}/finance/loans/{{loan_id}}/write-off", only(*LOAN_OFFICERS),
        params={"loan_id": "repay_loan"}, body=lambda ids: {"reason": "authz"}),
    # --- service centre (issue 10): residents, assisted orders and drawers for an agent at
    # their own station and the staff above them; an agent naming another station is 403, another
    # station's order or drawer 404. Cash into a drawer (hand-over, refund, loan repayment) is the
    # drawer's own agent's only (an unknown refund number is the step's own 404 refund_not_found)
    # ---
    Row("GET", f"{API}/servicecenter/residents", sc_staff(), shows="sc_resident",
        query=lambda ids: {"station": ids["station"], "q": ids["sc_resident_name"]}),
    Row("POST", f"{API}/servicecenter/residents", sc_staff(),
        body=lambda ids: {"name": "authz walk-in", "village": ids["village_code"],
                          "consent": True, "station": ids["station"]}),
    Row("POST", f"{API}/servicecenter/orders", sc_staff(), body=_sc_order_body,
        headers=lambda ids: {"Idempotency-Key": f"authz-matrix-{ids['station']}"}),
    Row("GET", f"{API}/servicecenter/orders", sc_staff(), shows="sc_order", query=_sc_station),
    Row("GET", f"{API}/servicecenter/orders/{{order_id}}", sc_staff(),
        params={"order_id": "sc_order"}),
    Row("POST", f"{API}/servicecenter/drawers", sc_staff(),
        body=lambda ids: {"float": "10.00", "station": ids["station"]},
        note="the agent's drawer is open already: 409 drawer_already_open for them"),
    Row("GET", f"{API}/servicecenter/drawers", sc_staff(), note="the caller's own drawers"),
    Row("GET", f"{API}/servicecenter/drawers/report", sc_staff(), query=_sc_station),
    Row("GET", f"{API}/servicecenter/drawers/{{drawer_id}}", sc_staff(),
        params={"drawer_id": "drawer"}),
    Row("POST", f"{API}/servicecenter/drawers/{{drawer_id}}/close", sc_staff(),
        params={"drawer_id": "drawer"}, body=lambda ids: {"counted": "50.00"}),
    Row("POST", f"{API}/servicecenter/drawers/{{drawer_id}}/handovers",
        only(Role.AGENT, access=OWN), params={"drawer_id": "drawer"},
        body=lambda ids: {"handed_to": "warehouse", "amount": "1.00",
                          "handover_number": "authz-handover"}),
    Row("POST", f"{API}/servicecenter/drawers/{{drawer_id}}/refunds", only(Role.AGENT, access=OWN),
        params={"drawer_id": "drawer"}, body=lambda ids: {"refund_number": "authz-no-refund"},
        answers=("refund_not_found",)),
    Row("POST", f"{API}/servicecenter/drawers/{{drawer_id}}/loan-repayments",
        only(Role.AGENT, access=OWN), params={"drawer_id": "drawer"},
        body=lambda ids: {"loan": ids["repay_loan"], "amount": "1.00",
                          "reference": "authz-sc-loan"}),
    Row("GET", f"{API}/servicecenter/commission", only(Role.AGENT, *SC_SUPERVISORS),
        note="the caller's own commission; staff may name an agent"),
    # --- inventory ---
    Row("GET", f"{API}/inventory/variants/{{variant_id}}/stock", everyone(), anonymous=True),
    Row("GET", f"{API}/inventory/variants/{{variant_id}}/stock",
        shop(**only(Role.WAREHOUSE, Role.PACKER)), shows="farm_location",
        aspect="stock by location",
        note="a seller sees stock per location of their own variants only (issue 13 item 5)"),
    Row("GET", f"{API}/inventory/variants/{{variant_id}}/stock/locations",
        shop(**only(Role.WAREHOUSE, Role.PACKER))),
    Row("POST", f"{API}/inventory/stock/receive", shop(**only(Role.WAREHOUSE)),
        body=lambda ids: {"variant_id": ids["variant"], "location_id": ids["farm_location"],
                          "quantity": 1}),
    Row("POST", f"{API}/inventory/stock/adjust", shop(**only(Role.WAREHOUSE)),
        body=lambda ids: {"variant_id": ids["variant"], "location_id": ids["farm_location"],
                          "counted": 49}),
    Row("GET", f"{API}/inventory/locations", everyone(), anonymous=True),
    # --- task schedule (issue 15 part 6): shipments into the county. A shop (or an agent for
    # it) announces and follows its own notices; warehouse staff see and receive every one ---
    Row("POST", f"{API}/inventory/inbound", shop(),
        body=lambda ids: {"seller_id": ids["seller"], "carrier": "ZTO",
                          "tracking_number": "AUTHZ-NEW", "expected_on": ids["tomorrow"],
                          "lines": [{"variant_id": ids["variant"], "quantity": 1}]}),
    Row("GET", f"{API}/inventory/inbound", shop(**only(Role.WAREHOUSE)), shows="inbound",
        note="a seller lists only their own notices"),
    Row("GET", f"{API}/inventory/inbound/{{inbound_id}}", shop(**only(Role.WAREHOUSE))),
    Row("POST", f"{API}/inventory/inbound/{{inbound_id}}/receive", only(*WAREHOUSE),
        body=lambda ids: {"lines": [{"line_id": ids["inbound_line"], "received": 5}]}),
    # --- end task schedule ---
    # --- orders ---
    Row("POST", f"{API}/orders", everyone(), body=_order_body),
    Row("GET", f"{API}/orders", only(Role.BUYER, access=OWN), shows="order",
        note="my orders: the buyer's own, nobody else's"),
    Row("GET", f"{API}/orders/{{order_id}}", order_viewers()),
    Row("GET", f"{API}/orders/{{order_id}}", only(Role.BUYER, access=OWN),
        params={"order_id": "pending_order"}, shows="payment_details", aspect="payment details",
        note="whoever may see the order sees whether it is paid; only its buyer what pays it "
        "(client_data: WeChat's signed prepay parameters; issue 13)"),
    Row("POST", f"{API}/orders/{{order_id}}/cancel",
        {Role.BUYER.value: OWN, **only(*CANCEL_STAFF)},
        params={"order_id": "pending_order"}, body=lambda ids: {"reason": "authz"}),
    Row("POST", f"{API}/orders/{{order_id}}/pay", only(Role.BUYER, access=OWN),
        params={"order_id": "pending_order"}, body=lambda ids: {}),
    Row("POST", f"{API}/orders/{{order_id}}/status", {**shop(), **only(*PACKING)},
        params={"order_id": "paid_order"}, body=lambda ids: {"status": "packing"},
        note="paid -> packing: the seller of the order's lines (or an agent acting for the "
        "farm), packing staff"),
    Row("POST", f"{API}/orders/{{order_id}}/return", only(Role.BUYER, access=OWN),
        params={"order_id": "delivered_order"},
        body=lambda ids: {"lines": [{"line": ids["delivered_line"], "quantity": 1}],
                          "reason": "damaged"}),
    # --- checkout (issue 15): the address book; anyone signed in keeps their own, and another
    # person's address is a 404 ---
    Row("GET", f"{API}/orders/addresses", everyone()),
    Row("GET", f"{API}/orders/addresses", only(Role.BUYER, access=OWN), shows="saved_address",
        aspect="own addresses only"),
    Row("POST", f"{API}/orders/addresses", everyone(),
        body=lambda ids: {"county_code": "440106", "detail": "体育西路1号", "recipient": "李四",
                          "phone": "13912345678"}),
    Row("PATCH", f"{API}/orders/addresses/{{address_id}}", only(Role.BUYER, access=OWN),
        params={"address_id": "saved_address"}, body=lambda ids: {"is_default": True}),
    Row("DELETE", f"{API}/orders/addresses/{{address_id}}", only(Role.BUYER, access=OWN),
        params={"address_id": "saved_address"}),
    # --- logistics ---
    Row("GET", f"{API}/logistics/parcels/{{parcel_id}}",
        {Role.BUYER.value: OWN, **only(Role.AGENT, *PACKING, *ROAD)}),
    Row("GET", f"{API}/logistics/parcels/{{parcel_id}}", only(Role.BUYER, access=OWN),
        shows="pickup_code", aspect="pickup code",
        note="only the buyer (and the recipient) ever see a pickup code"),
    Row("GET", f"{API}/logistics/orders/{{order_id}}/parcels", order_viewers()),
    Row("GET", f"{API}/logistics/orders/{{order_id}}/parcels", only(Role.BUYER, access=OWN),
        shows="pickup_code", aspect="pickup code",
        note="only the buyer (and the recipient) ever see a pickup code (issue 13 item 1)"),
    Row("GET", f"{API}/logistics/routes/today", only(*ROAD), answers=("route_not_found",)),
    Row("GET", f"{API}/logistics/routes/today", only(Role.DRIVER, access=OWN), shows="route",
        aspect="whose route", note="a driver gets their own route"),
    Row("POST", f"{API}/logistics/parcels/handover", {Role.AGENT.value: OWN, **only(*WAREHOUSE)},
        body=lambda ids: {"code": ids["pickup_code"], "station": ids["station"]},
        note="a station agent hands over parcels at their own station only"),
    Row("GET", f"{API}/logistics/pickups", shop(**only(*PICKUP_STAFF)), shows="pickup"),
    Row("POST", f"{API}/logistics/pickups", shop(**only(*PICKUP_STAFF)), body=_pickup_body),
    Row("POST", f"{API}/logistics/pickups/{{pickup_id}}/cancel", shop(**only(*PICKUP_STAFF))),
    # --- logistics: national carriers (task carriers) ---
    Row("GET", f"{API}/logistics/parcels/{{number}}/tracking",
        {Role.BUYER.value: OWN, **only(Role.AGENT, *PACKING, *ROAD)},
        params={"number": "carrier_parcel_number"},
        note="the order's buyer and logistics staff; anyone else 404"),
    Row("POST", f"{API}/logistics/parcels/{{number}}/waybill", only(*PACKING),
        params={"number": "carrier_parcel_number"}, body=lambda ids: {"carrier": "sf"}),
    Row("POST", f"{API}/logistics/waybills/{{waybill_id}}/cancel", only(*PACKING),
        params={"waybill_id": "carrier_waybill"}),
    Row("GET", f"{API}/logistics/parcels/{{number}}/label", only(*PACKING),
        params={"number": "carrier_parcel_number"}),
    Row("POST", f"{API}/logistics/handovers", only(*PACKING),
        body=lambda ids: {"carrier": "sf", "parcels": [ids["carrier_parcel_number"]],
                          "courier_name": "李师傅"}),
    Row("GET", f"{API}/logistics/handovers/{{handover_id}}", only(*PACKING)),
    # --- traceability (EPCIS) ---
    Row("POST", f"{API}/epcis/capture", only(Role.SELLER, Role.AGENT, *EPCIS_CAPTURE),
        body=lambda ids: {"type": "EPCISDocument"},
        note="an empty document: allowed actors get 400, the rest 403; an applicant nothing"),
    Row("GET", f"{API}/epcis/events",
        {Role.SELLER.value: OWN, Role.AGENT.value: ALL, **only(*EPCIS_CAPTURE, *EPCIS_READERS)},
        shows="lot",
        note="staff read every event, an approved seller those of their own lots, an applicant "
        "nothing (issue 13 item 3)"),
    # --- impact (issue 12): the figures for the programme manager and administrators (others
    # 403 not_an_impact_viewer); the public summary for anyone ---
    Row("GET", f"{API}/impact/summary", only(*IMPACT_VIEWERS), query=_impact_filters),
    Row("GET", f"{API}/impact/series", only(*IMPACT_VIEWERS), query=_impact_filters),
    Row("GET", f"{API}/impact/areas", only(*IMPACT_VIEWERS), query=_impact_filters),
    Row("GET", f"{API}/impact/households", only(*IMPACT_VIEWERS), query=_impact_filters),
    Row("GET", f"{API}/impact/public", everyone(), anonymous=True),
)  # fmt: skip


def _parcel_fail_body(ids: Ids) -> dict[str, Any]:
    return {"reason": "nobody_home", "note": ""}


PAGE_ROWS: tuple[Row, ...] = (
    Row("GET", "healthz", everyone(), anonymous=True),
    Row("GET", "accounts/login/", everyone(), anonymous=True),
    Row("GET", "accounts/login/sms/", everyone(), anonymous=True),
    Row("GET", "accounts/logout/", everyone(), anonymous=True),
    Row("GET", "accounts/register/", everyone(), anonymous=True),
    # --- the shop ---
    Row("GET", "shop/", everyone(), anonymous=True),
    Row("GET", "shop/search/", everyone(), anonymous=True),
    Row("GET", "shop/c/<slug:slug>/", everyone(), anonymous=True, params={"slug": "category"}),
    Row("GET", "shop/p/<int:product_id>/", everyone(), anonymous=True),
    Row("GET", "shop/p/<int:product_id>/", shop(**only(*REVIEWERS)), aspect="draft",
        params={"product_id": "draft_product"}),
    Row("GET", "shop/b/<slug:slug>/", everyone(), anonymous=True, params={"slug": "brand"}),
    Row("GET", "shop/s/<int:seller_id>/", everyone(), anonymous=True),
    # --- the seller's console ---
    # Pages about "the console's shop" (kept in the session) send whoever has none to the
    # console home to pick one: an agent first picks the farmer they help there.
    Row("GET", "console/stock/", only(Role.SELLER, access=OWN), shows="product",
        note="own: the seller's shop; an agent picks the farm first"),
    Row("GET", "console/stock/<int:variant_id>/", only(Role.SELLER, access=OWN),
        note="the variant must be the console's shop's"),
    # --- task schedule (issue 15 part 6): shipments into the county ---
    Row("GET", "console/stock/inbound/", only(Role.SELLER, access=OWN), shows="inbound",
        note="the console's shop's notices; an agent picks the farm first"),
    Row("GET", "console/stock/inbound/new/", only(Role.SELLER, access=OWN)),
    Row("GET", "console/stock/inbound/expected/", only(*WAREHOUSE), shows="inbound"),
    Row("GET", "console/stock/inbound/<int:inbound_id>/", shop(**only(Role.WAREHOUSE))),
    Row("GET", "console/stock/inbound/<int:inbound_id>/receive/", only(*WAREHOUSE)),
    # --- end task schedule ---
    # --- shipping console (task shipping): the rate tables for warehouse and programme staff ---
    Row("GET", "console/shipping/", only(Role.WAREHOUSE, Role.PROGRAMME_MANAGER, Role.ADMIN)),
    Row("GET", "console/shipping/rates/<int:rate_id>/",
        only(Role.WAREHOUSE, Role.PROGRAMME_MANAGER, Role.ADMIN), params={"rate_id": "rate"}),
    Row("GET", "console/", shop(), shows="shop"),
    Row("GET", "console/products/new/", only(Role.SELLER, APPLICANT),
        note="an applicant drafts products for their own shop (they go through review)"),
    Row("GET", "console/products/<int:product_id>/", shop()),
    Row("GET", "console/products/<int:product_id>/edit/", shop()),
    Row("GET", "console/products/<int:product_id>/options/new/", shop()),
    Row("GET", "console/products/<int:product_id>/options/<int:variant_id>/", shop()),
    Row("GET", "console/products/<int:product_id>/photos/new/", shop()),
    Row("POST", "console/products/<int:product_id>/submit/", shop(),
        params={"product_id": "draft_product"}),
    Row("POST", "console/products/<int:product_id>/delist/", shop()),
    Row("GET", "console/review/", only(*REVIEWERS)),
    Row("GET", "console/review/<int:product_id>/", only(*REVIEWERS),
        params={"product_id": "review_product"}),
    Row("GET", "sellers/apply/", everyone()),
    # --- jobs: the list and a posting are public; the workspace is the recruiters' (programme
    # managers read); fair entry is for recruiters and agents helping at a fair ---
    Row("GET", "jobs/", everyone(), anonymous=True),
    Row("GET", "jobs/<int:posting_id>/", everyone(), anonymous=True),
    Row("POST", "jobs/applications/<int:application_id>/withdraw/",
        {Role.RESIDENT.value: OWN, **only(*JOBS_MANAGERS)},
        note="the applicant withdraws their own (recruiters may end any)"),
    Row("GET", "jobs/work/", only(*JOBS_READERS)),
    Row("GET", "jobs/work/postings/new/", only(*JOBS_MANAGERS)),
    Row("GET", "jobs/work/postings/<int:posting_id>/", only(*JOBS_READERS)),
    Row("POST", "jobs/work/postings/<int:posting_id>/status/", only(*JOBS_MANAGERS),
        body=lambda ids: {"status": "open"}),
    Row("GET", "jobs/work/applications/<int:application_id>/", only(*JOBS_READERS)),
    Row("GET", "jobs/work/fairs/new/", only(*JOBS_MANAGERS)),
    Row("GET", "jobs/work/fairs/<int:fair_id>/", only(*JOBS_READERS, Role.AGENT)),
    Row("POST", "jobs/work/fairs/<int:fair_id>/entries/", only(Role.AGENT, *JOBS_MANAGERS),
        body=lambda ids: {"posting": ids["posting"], "name": "authz", "phone": "13912345678",
                          "village": ids["village"]}),
    Row("GET", "sellers/review/", only(*SELLER_REVIEWERS)),
    Row("GET", "sellers/review/<int:seller_id>/", only(*SELLER_REVIEWERS),
        params={"seller_id": "applicant_seller"}),
    # --- regions pages (task regions): the division chooser and its htmx options, public ---
    Row("GET", "regions/divisions/", everyone(), anonymous=True),
    Row("GET", "regions/divisions/options/", everyone(), anonymous=True),
    # --- training pages: courses and the certificate check are open; attempts and
    # certificates are their learner's; a session's sheet its own trainer's ---
    Row("GET", "training/", everyone(), anonymous=True),
    Row("GET", "training/courses/food-safety/", everyone(), anonymous=True),
    Row("GET", "training/courses/<int:course_id>/", everyone(), anonymous=True),
    Row("POST", "training/courses/<int:course_id>/quiz/", everyone()),
    Row("GET", "training/lessons/<int:lesson_id>/", everyone(), anonymous=True),
    Row("POST", "training/lessons/<int:lesson_id>/read/", everyone()),
    Row("GET", "training/quiz/<int:attempt_id>/", only(Role.BUYER, access=OWN)),
    Row("GET", "training/sessions/", everyone(), anonymous=True),
    Row("POST", "training/sessions/<int:session_id>/register/", everyone()),
    Row("POST", "training/registrations/<int:registration_id>/cancel/",
        {Role.BUYER.value: OWN, Role.TRAINER.value: OWN, Role.ADMIN.value: ALL}),
    Row("GET", "training/certificates/", only(Role.BUYER, access=OWN), shows="certificate"),
    Row("GET", "training/certificates/<str:code>", everyone(), anonymous=True,
        params={"code": "certificate_code"}),
    Row("GET", "training/certificates/<str:code>/pdf",
        {Role.BUYER.value: OWN, **only(Role.TRAINER, Role.ADMIN)},
        params={"code": "certificate_code"}),
    Row("GET", "training/certificates/<str:code>/revoke/", only(Role.TRAINER, Role.ADMIN),
        params={"code": "certificate_code"}),
    Row("GET", "training/trainer/", only(Role.TRAINER, Role.ADMIN)),
    Row("GET", "training/trainer/sessions/new/", only(Role.TRAINER, Role.ADMIN)),
    Row("GET", "training/trainer/sessions/<int:session_id>/",
        {Role.TRAINER.value: OWN, Role.ADMIN.value: ALL}),
    Row("GET", "training/trainer/results/", only(Role.TRAINER, Role.ADMIN)),
    # --- payments: the sandbox bank page stands in for the provider's, open to whoever holds
    # the payment number; WeChat's callbacks answer by signature ---
    Row("GET", "pay/sandbox/<str:number>/", everyone(), anonymous=True,
        params={"number": "payment_number"}),
    Row("POST", "pay/wechat/notify/", everyone(), anonymous=True, any_answer=True),
    Row("GET", "pay/wechat/signin/", everyone(), anonymous=True, any_answer=True),
    Row("GET", "pay/wechat/signin/return/", everyone(), anonymous=True, any_answer=True),
    # --- cart and orders ---
    Row("GET", "cart/", everyone(), anonymous=True),
    Row("POST", "cart/add/", everyone(), anonymous=True,
        body=lambda ids: {"variant": ids["variant"], "quantity": 1}),
    Row("POST", "cart/lines/<int:variant_id>/", everyone(), anonymous=True,
        body=lambda ids: {"quantity": 1}),
    Row("POST", "cart/lines/<int:variant_id>/remove/", everyone(), anonymous=True),
    Row("GET", "cart/checkout/", everyone()),
    Row("GET", "orders/", only(Role.BUYER, access=OWN), shows="order"),
    Row("GET", "orders/<int:order_id>/", order_viewers()),
    Row("GET", "orders/<int:order_id>/", only(Role.BUYER, access=OWN), shows="pickup_code",
        aspect="pickup code"),
    Row("POST", "orders/<int:order_id>/pay/", only(Role.BUYER, access=OWN),
        params={"order_id": "pending_order"}, flash=True),
    Row("GET", "orders/<int:order_id>/pay/wechat/", order_viewers(),
        params={"order_id": "pending_order"},
        note="not a WeChat order: whoever may see the order is sent back to it"),
    Row("GET", "orders/<int:order_id>/payment/", only(Role.BUYER, access=OWN),
        params={"order_id": "pending_order"}),
    Row("POST", "orders/<int:order_id>/cancel/", {Role.BUYER.value: OWN, **only(*CANCEL_STAFF)},
        params={"order_id": "pending_order"}, body=lambda ids: {"reason": "authz"}, flash=True),
    Row("POST", "orders/<int:order_id>/return/", only(Role.BUYER, access=OWN),
        params={"order_id": "delivered_order"}, flash=True,
        body=lambda ids: {"reason": "damaged", f"line_{ids['delivered_line']}": 1}),
    Row("GET", "orders/<int:order_id>/cash/", only(*CASH)),
    Row("GET", "orders/cash/", only(*CASH)),
    Row("GET", "orders/shop/", only(Role.SELLER, access=OWN), shows="order",
        note="an agent (or the administrator) picks the farm first"),
    Row("POST", "orders/shop/<int:order_id>/step/", {**shop(), **only(*PACKING)},
        params={"order_id": "paid_order"}, body=lambda ids: {"to_status": "packing"}, flash=True),
    # --- checkout (issue 15): the address book pages; another person's address is a 404 ---
    Row("GET", "orders/addresses/", everyone()),
    Row("GET", "orders/addresses/", only(Role.BUYER, access=OWN), shows="saved_address",
        aspect="own addresses only"),
    Row("GET", "orders/addresses/new/", everyone()),
    Row("GET", "orders/addresses/<int:address_id>/", only(Role.BUYER, access=OWN),
        params={"address_id": "saved_address"}),
    Row("POST", "orders/addresses/<int:address_id>/delete/", only(Role.BUYER, access=OWN),
        params={"address_id": "saved_address"}),
    Row("POST", "orders/addresses/<int:address_id>/default/", only(Role.BUYER, access=OWN),
        params={"address_id": "saved_address"}),
    # --- logistics ---
    Row("GET", "logistics/", {**shop(), **only(*PACKING, *ROAD, Role.AGENT)}),
    Row("GET", "logistics/route/", only(*ROAD)),
    Row("POST", "logistics/stops/<int:stop_id>/", {Role.DRIVER.value: OWN, **only(*WAREHOUSE)},
        body=lambda ids: {"action": "arrive"}, note="only the route's driver (or the warehouse)"),
    Row("POST", "logistics/parcels/<int:parcel_id>/deliver/", only(*ROAD),
        body=lambda ids: {"recipient_name": "王芳"}),
    Row("POST", "logistics/parcels/<int:parcel_id>/fail/", only(*ROAD), body=_parcel_fail_body),
    Row("GET", "logistics/handover/", {Role.AGENT.value: ALL, **only(*WAREHOUSE)}),
    Row("GET", "logistics/handover/parcels/<int:parcel_id>/return/",
        {Role.AGENT.value: OWN, **only(*WAREHOUSE)},
        note="a station agent sends back parcels of their own station only"),
    Row("GET", "logistics/packing/", only(*PACKING)),
    Row("POST", "logistics/packing/orders/<int:order_id>/", only(*PACKING),
        params={"order_id": "paid_order"}),
    Row("GET", "logistics/packing/<int:task_id>/", only(*PACKING)),
    Row("GET", "logistics/packing/<int:task_id>/label.pdf", only(*PACKING)),
    Row("GET", "logistics/intake/", only(*WAREHOUSE)),
    Row("GET", "logistics/returns/", only(*WAREHOUSE)),
    Row("GET", "logistics/returns/<int:parcel_id>/", only(*WAREHOUSE),
        params={"parcel_id": "returning_parcel"}),
    Row("GET", "logistics/dispatch/", only(*WAREHOUSE)),
    Row("POST", "logistics/dispatch/plan/", only(*WAREHOUSE), body=lambda ids: {"mode": "replan"}),
    Row("GET", "logistics/fleet/", only(*WAREHOUSE)),
    Row("POST", "logistics/fleet/<int:vehicle_id>/status/", only(*WAREHOUSE),
        body=lambda ids: {"status": "active"}),
    Row("GET", "logistics/staff/", only(*WAREHOUSE)),
    Row("POST", "logistics/staff/<int:staff_id>/deactivate/", only(*WAREHOUSE),
        params={"staff_id": "staff_courier"}),
    Row("GET", "logistics/pickups/", shop(**only(*PICKUP_STAFF))),
    Row("GET", "logistics/pickups/new/", shop(**only(*PICKUP_STAFF))),
    Row("POST", "logistics/pickups/<int:pickup_id>/cancel/", shop(**only(*PICKUP_STAFF))),
    # --- logistics: national carriers (task carriers) ---
    Row("GET", "logistics/carriers/", only(*PACKING)),
    Row("POST", "logistics/carriers/slots/", only(*WAREHOUSE),
        body=lambda ids: {"carrier": "sf", "start": "15:00", "end": "17:00"}),
    Row("POST", "logistics/carriers/<slug:carrier>/handover/", only(*PACKING),
        body=lambda ids: {"courier_name": "李师傅"}),
    Row("GET", "logistics/carriers/handovers/<int:handover_id>/", only(*PACKING)),
    Row("GET", "logistics/carriers/handovers/<int:handover_id>/signature.png", only(*PACKING)),
    Row("POST", "logistics/carriers/exceptions/<int:exception_id>/resolve/", only(*PACKING),
        params={"exception_id": "carrier_exception"}, body=lambda ids: {"note": "已处理"}),
    Row("POST", "logistics/carriers/kuaidi100/push", everyone(), anonymous=True,
        body=lambda ids: {"param": "{}", "sign": "x"},
        note="anyone may post; only a push signed with our salt is taken (else 400)"),
    Row("GET", "logistics/parcels/<str:number>/carrier/", only(*PACKING),
        params={"number": "carrier_parcel_number"}),
    Row("GET", "logistics/parcels/<str:number>/waybill-label.pdf", only(*PACKING),
        params={"number": "carrier_parcel_number"}),
    Row("GET", "logistics/track/<str:number>/",
        {Role.BUYER.value: OWN, **only(Role.AGENT, *PACKING, *ROAD)},
        params={"number": "carrier_parcel_number"},
        note="the order's buyer and logistics staff; anyone else 404"),
    # --- loans (task loans): the seller's pages and the officer's ---
    Row("GET", "finance/loans/", everyone(), note="each caller's own loans"),
    Row("GET", "finance/loans/apply/", everyone(), note="lists the caller's own shops"),
    Row("GET", "finance/loans/<int:loan_id>/", shop(**only(*LOAN_OFFICERS))),
    Row("POST", "finance/loans/<int:loan_id>/withdraw/", shop()),
    # --- settlement and payouts (task payouts) ---
    Row("GET", "finance/", everyone(), note="the caller's own shops, or a page saying none"),
    Row("GET", "finance/", shop(**only(*FINANCE_STAFF)), aspect="a shop's money",
        query=lambda ids: {"seller": ids["seller"]}),
    Row("GET", "finance/account/", shop(**only(*FINANCE_STAFF)),
        query=lambda ids: {"seller": ids["seller"]}),
    Row("POST", "finance/account/", only(Role.SELLER, Role.AGENT, Role.ADMIN, APPLICANT),
        body=lambda ids: {"method": "simulated"},
        note="the caller's first shop (a form post carries no ?seller=); an applicant's shop"
        " waiting for review is theirs to set up"),
    Row("GET", "finance/statements/<str:month>/", shop(**only(*FINANCE_STAFF)),
        query=lambda ids: {"seller": ids["seller"]}),
    Row("GET", "finance/statements/<str:month>/<str:kind>/", shop(**only(*FINANCE_STAFF)),
        params={"kind": "statement_kind"}, query=lambda ids: {"seller": ids["seller"]}),
    Row("GET", "finance/payouts/", only(*FINANCE_STAFF)),
    Row("GET", "finance/payouts/run/", only(*FINANCE_STAFF)),
    Row("POST", "finance/payouts/run/", only(*FINANCE_STAFF)),
    Row("POST", "finance/payouts/<int:payout_id>/<str:action>/", only(*FINANCE_STAFF),
        params={"action": "payout_action"}),
    Row("GET", "finance/payouts/runs/<int:run_id>/bank.csv", only(*FINANCE_STAFF),
        params={"run_id": "payout_run"}),
    # --- repayments (task repayments): the loan's repayment page for its seller and staff; the
    # cash form for agents and officers (agents at their own station only); arrears, portfolio
    # and write-off for officers ---
    Row("GET", "finance/loans/<int:loan_id>/repayments/",
        {Role.SELLER.value: OWN, **only(Role.AGENT, *LOAN_OFFICERS)},
        params={"loan_id": "repay_loan"}),
    Row("GET", "finance/cash/", only(Role.AGENT, *LOAN_OFFICERS)),
    Row("GET", "finance/repayments/<int:repayment_id>/receipt/",
        {Role.SELLER.value: OWN, **only(Role.AGENT, *LOAN_OFFICERS)},
        params={"repayment_id": "repayment"}),
    Row("GET", "finance/officer/arrears/", only(*LOAN_OFFICERS)),
    Row("GET", "finance/officer/portfolio/", only(*LOAN_OFFICERS)),
    Row("GET", "finance/officer/loans/<int:loan_id>/write-off/", only(*LOAN_OFFICERS),
        params={"loan_id": "repay_loan"}),
    Row("GET", "finance/officer/", only(*LOAN_OFFICERS)),
    Row("GET", "finance/officer/products/", only(*LOAN_OFFICERS)),
    Row("GET", "finance/officer/loans/<int:loan_id>/", only(*LOAN_OFFICERS)),
    Row("POST", "finance/officer/loans/<int:loan_id>/approve/", only(*LOAN_OFFICERS),
        body=lambda ids: {"amount": "5000", "product": ids["loan_product"], "periods": "6"}),
    Row("POST", "finance/officer/loans/<int:loan_id>/more-info/", only(*LOAN_OFFICERS),
        body=lambda ids: {"text": "authz"}),
    Row("POST", "finance/officer/loans/<int:loan_id>/decline/", only(*LOAN_OFFICERS),
        body=lambda ids: {"text": "authz"}),
    Row("POST", "finance/officer/loans/<int:loan_id>/disburse/", only(*LOAN_OFFICERS)),
    # --- traceability ---
    Row("GET", "trace/harvest/", shop()),
    Row("GET", "trace/lots/", shop(), shows="lot"),
    Row("GET", "trace/lots/<int:lot_id>/", shop(**only(*LOT_STAFF))),
    Row("GET", "trace/labels/<int:lot_id>.pdf", shop(**only(*LOT_STAFF))),
    Row("GET", "trace/recall/", only(*RECALLERS)),
    Row("GET", "trace/lots/<int:lot_id>/pack/", shop(**only(*LOT_STAFF))),
    Row("GET", "trace/products/<int:product_id>/lots/", everyone(), anonymous=True),
    Row("GET", "console/certificates/", only(Role.SELLER, APPLICANT),
        note="a shop's own certificates; an agent first chooses the farm on the console's home"),
    Row("GET", "console/certificates/review/", only(*REVIEWERS)),
    Row("GET", "console/certificates/review/<int:certification_id>/", only(*REVIEWERS)),
    # The demo's own page answers 404 on a site where `xiangcun demo` never ran (this world).
    Row("GET", "demo/", {}),
    Row("POST", "trace/lots/<int:lot_id>/recall/", only(*RECALLERS),
        body=lambda ids: {"reason": ""}),
    Row("GET", "01/<str:gtin>/10/<str:lot>", everyone(), anonymous=True,
        params={"lot": "lot_code"}),
    # --- service centre (issue 10): the desk and its pages for an agent at their own station
    # (?station= of another station is 403) and the staff above them (who name the station; the
    # desk without one asks them to choose). The console's service worker and manifest are public
    # files; its JSON answers 401/403 like the API ---
    Row("GET", "servicecenter/", sc_staff(), query=_sc_station, shows="sc_station"),
    Row("GET", "servicecenter/residents/", sc_staff(), shows="sc_resident",
        query=lambda ids: {"station": ids["station"], "q": ids["sc_resident_name"]}),
    Row("GET", "servicecenter/residents/new/", sc_staff(), query=_sc_station,
        shows="sc_station"),
    Row("POST", "servicecenter/residents/new/", sc_staff(),
        body=lambda ids: {"station": ids["station"], "name": "authz walk-in",
                          "village": ids["village"], "consent": "on"}),
    Row("GET", "servicecenter/residents/<int:resident_id>/", sc_staff(),
        params={"resident_id": "sc_resident"}, query=_sc_station),
    Row("POST", "servicecenter/residents/<int:resident_id>/withdraw/", sc_staff(),
        params={"resident_id": "sc_resident"}, body=_sc_station, flash=True),
    Row("GET", "servicecenter/orders/<int:order_id>/receipt/", sc_staff(),
        params={"order_id": "sc_order"}),
    Row("GET", "servicecenter/drawer/", sc_staff(), query=_sc_station, shows="sc_station"),
    Row("POST", "servicecenter/drawer/<int:drawer_id>/close/", sc_staff(),
        params={"drawer_id": "drawer"},
        body=lambda ids: {"station": ids["station"], "counted": "50.00"}),
    Row("GET", "servicecenter/drawer/loan-repayment/", sc_staff(), query=_sc_station,
        shows="sc_station"),
    Row("GET", "servicecenter/drawer/refund/", sc_staff(), query=_sc_station,
        shows="sc_station"),
    Row("GET", "servicecenter/report/", sc_staff(), query=_sc_station, shows="sc_station",
        note="supervisors choose among every station; an agent's list holds their own"),
    Row("GET", "servicecenter/commission/", only(Role.AGENT, *SC_SUPERVISORS),
        note="the caller's own commission (none for supervisors)"),
    Row("GET", "servicecenter/counter/", sc_staff(), query=_sc_station, shows="sc_station"),
    Row("GET", "servicecenter/counter/snapshot.json", sc_staff(), query=_sc_station),
    Row("GET", "servicecenter/counter/search.json", sc_staff(), query=_sc_station),
    Row("GET", "servicecenter/counter/residents.json", sc_staff(), shows="sc_resident",
        query=lambda ids: {"station": ids["station"], "q": ids["sc_resident_name"]}),
    Row("POST", "servicecenter/counter/orders/", sc_staff(), json=True, body=_sc_counter_body,
        headers=lambda ids: {"Idempotency-Key": f"authz-counter-{ids['station']}"}),
    Row("GET", "servicecenter/sw.js", everyone(), anonymous=True),
    Row("GET", "servicecenter/manifest.webmanifest", everyone(), anonymous=True),
    # --- home and role workspaces ---
    Row("GET", "", everyone(), anonymous=True),
    Row("GET", "workspace/<slug:role>/", only(*WORKSPACE_ROLES, access=OWN),
        note="own: the actor's role's workspace; other: another role's"),
    # --- impact (issue 12): the dashboard, households, exports and reports for the programme
    # manager and administrators; the public summary for anyone ---
    Row("GET", "impact/", only(*IMPACT_VIEWERS), query=_impact_filters),
    Row("GET", "impact/households/", only(*IMPACT_VIEWERS)),
    Row("GET", "impact/households/unreached/", only(*IMPACT_VIEWERS)),
    Row("GET", "impact/public/", everyone(), anonymous=True),
    Row("GET", "impact/export/<slug:table>.<slug:fmt>", only(*IMPACT_VIEWERS),
        params={"table": "impact_table", "fmt": "impact_fmt"}),
    Row("GET", "impact/reports/", only(*IMPACT_VIEWERS)),
    Row("GET", "impact/reports/<int:report_id>/", only(*IMPACT_VIEWERS),
        params={"report_id": "impact_report"}),
    Row("GET", "impact/reports/<int:report_id>/download/", only(*IMPACT_VIEWERS),
        params={"report_id": "impact_report"}),
)  # fmt: skip

ROWS: tuple[Row, ...] = API_ROWS + PAGE_ROWS
