"""Agents' commission: rules as data (CommissionRule), accrued through the ledger by a sweep that
is idempotent per source, reversed when an assisted order is refunded, paid out daily.

Ledger postings (kind agent_commission; debit > 0, credit < 0):
- accrual, reference "commission:<source>": Dr agent_commission_expense /
  Cr agent_commission_payable:<agent>;
- reversal, reference "commission-reversal:<source>": the opposite;
- payout, reference "commission-payout:<agent>:<day>": Dr agent_commission_payable:<agent> /
  Cr bank:operating. Agents are paid straight from the programme's bank account, as the
  simulated payout provider does: finance's payout run pays sellers (its Payout rows belong
  to a seller), so paying agents through it would need a model change there.

Sources: "order:<id>" (an assisted order, once it is completed: the rule's percentage of the
goods kept, by the product's category or its nearest parent with a rule, else the rule
without a category; rounded half up to the fen per order), "parcel:<id>" (a parcel the agent
handed over at a station by its pickup code), "applicant:<id>" (a job application the agent
entered at the counter). Each source earns once (CommissionLine is unique per kind and source,
the ledger per kind and reference), so the sweep may run as often as wanted, twice at once too.
"""

import datetime
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import categories_list, variants_for_order
from xiangcun.finance.services import payouts_permitted
from xiangcun.jobs.selectors import applications_entered_at_counter
from xiangcun.ledger.services import account_lock, entry_post
from xiangcun.ledger.types import (
    AGENT_COMMISSION_EXPENSE,
    BANK_OPERATING,
    EntryKind,
    agent_commission_account,
)
from xiangcun.logistics.selectors import parcel_handovers, staff_list
from xiangcun.orders.types import OrderStatus
from xiangcun.servicecenter.errors import CommissionPermissionDeniedError
from xiangcun.servicecenter.models import AssistedOrder, CommissionLine, CommissionRule

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# How far back a sweep looks for completed orders, parcels and applicants it has not seen.
LOOK_BACK = datetime.timedelta(days=30)
# logistics.StaffMember.Job.AGENT: an agent at a village station.
AGENT_JOB = "agent"


def _rules() -> dict[tuple[str, int | None], CommissionRule]:
    return {
        (rule.kind, rule.category_id): rule
        for rule in CommissionRule.objects.filter(is_active=True)
    }


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _line_create(
    *,
    agent_id: int,
    kind: str,
    source: str,
    amount: Decimal,
    rule: CommissionRule | None,
    base: Decimal | None = None,
    reference: str,
    memo: str,
) -> CommissionLine | None:
    """One line and its posting, in one transaction; None when the source already has this
    kind of line (another sweep made it)."""
    account = agent_commission_account(agent_id)
    try:
        with transaction.atomic():
            line = CommissionLine.objects.create(
                agent_id=agent_id,
                rule=rule,
                kind=kind,
                source=source,
                base=base,
                amount=amount,
            )
            if amount:
                # Accrual: positive amount; reversal and payout: negative.
                if kind == CommissionLine.Kind.PAYOUT:
                    lines = [(account, -amount), (BANK_OPERATING, amount)]
                else:
                    lines = [(AGENT_COMMISSION_EXPENSE, amount), (account, -amount)]
                entry = entry_post(
                    kind=EntryKind.AGENT_COMMISSION, reference=reference, lines=lines, memo=memo
                )
                line.ledger_entry_id = entry.pk
                line.save(update_fields=["ledger_entry_id"])
            return line
    except IntegrityError:
        if CommissionLine.objects.filter(kind=kind, source=source).exists():
            return None
        raise


# --- Assisted sales ---------------------------------------------------------------------------


def _category_parents() -> dict[int, int | None]:
    return {category.pk: category.parent_id for category in categories_list()}


def _sales_rule(
    category_id: int | None,
    rules: dict[tuple[str, int | None], CommissionRule],
    parents: dict[int, int | None],
) -> CommissionRule | None:
    kind = CommissionRule.Kind.SALES_PERCENT
    seen: set[int] = set()
    while category_id is not None and category_id not in seen:
        if (kind, category_id) in rules:
            return rules[(kind, category_id)]
        seen.add(category_id)
        category_id = parents.get(category_id)
    return rules.get((kind, None))


def _order_commission(
    assisted: AssistedOrder,
    rules: dict[tuple[str, int | None], CommissionRule],
    parents: dict[int, int | None],
) -> tuple[Decimal, Decimal, CommissionRule | None]:
    """(goods kept, commission, the rule of the largest share) of one completed order."""
    lines = list(assisted.order.lines.all())
    variants = variants_for_order(variant_ids=[line.variant_id for line in lines])
    base = ZERO
    raw = Decimal(0)
    by_rule: dict[int, Decimal] = {}
    chosen: dict[int, CommissionRule] = {}
    for line in lines:
        kept = line.unit_price * (line.quantity - line.returned_quantity)
        if kept <= 0:
            continue
        base += kept
        variant = variants.get(line.variant_id)
        category_id = variant.product.category_id if variant is not None else None
        rule = _sales_rule(category_id, rules, parents)
        if rule is None or rule.percent is None:
            continue
        raw += kept * rule.percent / 100
        by_rule[rule.pk] = by_rule.get(rule.pk, ZERO) + kept
        chosen[rule.pk] = rule
    main = chosen[max(by_rule, key=lambda pk: by_rule[pk])] if by_rule else None
    return base, _round(raw), main


def _orders_accrue(since: datetime.datetime) -> int:
    rules = _rules()
    parents = _category_parents()
    done = set(
        CommissionLine.objects.filter(
            kind=CommissionLine.Kind.ACCRUAL, source__startswith="order:"
        ).values_list("source", flat=True)
    )
    candidates = (
        AssistedOrder.objects.filter(order__completed_at__gte=since)
        .select_related("order")
        .order_by("order__completed_at", "pk")
    )
    made = 0
    for assisted in candidates:
        source = f"order:{assisted.order_id}"
        if source in done:
            continue
        base, amount, rule = _order_commission(assisted, rules, parents)
        # An order no rule covers still gets its (zero) line: it is settled, not re-read.
        line = _line_create(
            agent_id=assisted.agent_id,
            kind=CommissionLine.Kind.ACCRUAL,
            source=source,
            amount=amount,
            rule=rule,
            base=base,
            reference=f"commission:{source}",
            memo=f"assisted order {assisted.order.number}",
        )
        made += line is not None
    return made


def _orders_reverse() -> int:
    """Accrued orders that were refunded since: the commission on the goods returned comes
    back (all of it when everything was returned)."""
    refunded = {
        f"order:{order_id}": order_id
        for order_id in AssistedOrder.objects.filter(
            order__status=OrderStatus.REFUNDED
        ).values_list("order_id", flat=True)
    }
    reversed_ = set(
        CommissionLine.objects.filter(
            kind=CommissionLine.Kind.REVERSAL, source__in=list(refunded)
        ).values_list("source", flat=True)
    )
    accruals = CommissionLine.objects.filter(
        kind=CommissionLine.Kind.ACCRUAL, source__in=[s for s in refunded if s not in reversed_]
    ).exclude(amount=0)
    made = 0
    for accrual in accruals:
        assisted = AssistedOrder.objects.select_related("order").get(
            order_id=refunded[accrual.source]
        )
        returned = sum(
            (line.unit_price * line.returned_quantity for line in assisted.order.lines.all()),
            ZERO,
        )
        base = accrual.base or ZERO
        share = accrual.amount if base <= 0 else _round(accrual.amount * returned / base)
        amount = min(accrual.amount, share)
        if amount <= 0:
            continue
        line = _line_create(
            agent_id=accrual.agent_id,
            kind=CommissionLine.Kind.REVERSAL,
            source=accrual.source,
            amount=-amount,
            rule=accrual.rule,
            base=returned,
            reference=f"commission-reversal:{accrual.source}",
            memo=f"assisted order {assisted.order.number} refunded",
        )
        made += line is not None
    return made


# --- Parcels and applicants -------------------------------------------------------------------


def _agents() -> set[int]:
    """The users who work as service-centre agents now (the staff above them earn no fees)."""
    return {
        member.user_id
        for member in staff_list()
        if member.is_active and member.job == AGENT_JOB and member.station_id is not None
    }


def _fees_accrue(kind: str, prefix: str, pairs: list[tuple[int, int]], what: str) -> int:
    rule = _rules().get((kind, None))
    if rule is None or rule.amount is None:
        return 0
    sources = {f"{prefix}:{record_id}": user_id for record_id, user_id in pairs}
    done = set(
        CommissionLine.objects.filter(
            kind=CommissionLine.Kind.ACCRUAL, source__in=list(sources)
        ).values_list("source", flat=True)
    )
    todo = {source: user_id for source, user_id in sources.items() if source not in done}
    agents = _agents() if todo else set()
    made = 0
    for source, user_id in todo.items():
        if user_id not in agents:
            continue
        line = _line_create(
            agent_id=user_id,
            kind=CommissionLine.Kind.ACCRUAL,
            source=source,
            amount=rule.amount,
            rule=rule,
            reference=f"commission:{source}",
            memo=what,
        )
        made += line is not None
    return made


def commission_accrue(*, now: datetime.datetime | None = None) -> int:
    """The sweep: accrue what agents earned since LOOK_BACK before `now` and was not accrued
    yet (completed assisted orders, parcels handed over, applicants entered), and reverse the
    commission of refunded orders. Returns how many lines it made. Each line commits on its
    own, so a failure stops only the rest of the sweep, which the next run picks up."""
    since = (now or timezone.now()) - LOOK_BACK
    made = _orders_accrue(since) + _orders_reverse()
    made += _fees_accrue(
        CommissionRule.Kind.PARCEL_FEE,
        "parcel",
        parcel_handovers(since=since),
        "parcel handed over",
    )
    made += _fees_accrue(
        CommissionRule.Kind.APPLICANT_FEE,
        "applicant",
        applications_entered_at_counter(since=since),
        "job applicant registered",
    )
    return made


# --- Payout -------------------------------------------------------------------------------------


def commission_payout_run(*, actor: AnyUser | None, on: datetime.date | None = None) -> int:
    """Pay every agent what they are owed (their agent_commission_payable balance) from the
    programme's bank account; once a day per agent (source "payout:<agent>:<day>"). `actor`
    None is the periodic job; a person must be finance staff (who run payouts). Returns how
    many agents were paid."""
    if actor is not None and not payouts_permitted(user=actor):
        raise CommissionPermissionDeniedError
    on = on or timezone.localdate()
    agent_ids = sorted(
        CommissionLine.objects.exclude(amount=0).values_list("agent_id", flat=True).distinct()
    )
    paid = 0
    for agent_id in agent_ids:
        with transaction.atomic():
            # Locked: an accrual posting meanwhile waits, so the balance paid is exact.
            owed = -account_lock(code=agent_commission_account(agent_id))
            if owed <= 0:
                continue
            source = f"payout:{agent_id}:{on:%Y-%m-%d}"
            line = _line_create(
                agent_id=agent_id,
                kind=CommissionLine.Kind.PAYOUT,
                source=source,
                amount=-owed,
                rule=None,
                reference=f"commission-{source}",
                memo=f"commission paid to agent {agent_id} on {on}",
            )
            paid += line is not None
    return paid


# --- Demo ---------------------------------------------------------------------------------------

DEMO_RULES = (
    (CommissionRule.Kind.SALES_PERCENT, {"percent": Decimal("3.00")}),
    (CommissionRule.Kind.PARCEL_FEE, {"amount": Decimal("0.50")}),
    (CommissionRule.Kind.APPLICANT_FEE, {"amount": Decimal("5.00")}),
)


@transaction.atomic
def commission_rules_demo_load() -> int:
    """The demo's rules, unless there is an active rule of that kind for every category
    already: 3 % of assisted sales, ¥0.50 a parcel handed over, ¥5 a job applicant. Returns
    how many it made."""
    made = 0
    for kind, fields in DEMO_RULES:
        if not CommissionRule.objects.filter(kind=kind, category=None, is_active=True).exists():
            CommissionRule.objects.create(kind=kind, category=None, **fields)
            made += 1
    return made


def commission_totals(*, agent_id: int) -> dict[str, Decimal]:
    """Sums of an agent's lines by kind (accrual, reversal, payout)."""
    rows = (
        CommissionLine.objects.filter(agent_id=agent_id)
        .values("kind")
        .annotate(total=Sum("amount"))
        .order_by("kind")
    )
    return {row["kind"]: (row["total"] or ZERO) for row in rows}
