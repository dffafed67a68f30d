"""Reads of agents' commission: what an agent earned, had reversed and was paid, with its lines."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from xiangcun.accounts.types import AnyUser
from xiangcun.finance.services import payouts_permitted
from xiangcun.ledger.selectors import account_balance
from xiangcun.ledger.types import agent_commission_account
from xiangcun.servicecenter.errors import AgentNotFoundError, NotAnAgentError
from xiangcun.servicecenter.models import CommissionLine, CommissionRule
from xiangcun.servicecenter.services._common import stations_of

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CommissionLineRow:
    """One line: earned (+), reversed (-) or paid (-); `source` says what for."""

    id: int
    kind: str
    kind_label: str
    source: str
    source_label: str
    base: Decimal | None
    amount: Decimal
    at: datetime.datetime


@dataclass(frozen=True)
class CommissionView:
    """An agent's commission: accrued, reversed, paid, and the balance still owed (from the
    ledger's agent_commission_payable:<agent>), with the newest lines first."""

    agent_id: int
    accrued: Decimal
    reversed: Decimal
    paid: Decimal
    balance: Decimal
    lines: tuple[CommissionLineRow, ...]
    rules: tuple[str, ...]


def _source_label(source: str) -> str:
    kind, _sep, record = source.partition(":")
    if kind == "order":
        return gettext("Assisted order %(id)s") % {"id": record}
    if kind == "parcel":
        return gettext("Parcel %(id)s handed over") % {"id": record}
    if kind == "applicant":
        return gettext("Job applicant %(id)s registered") % {"id": record}
    if kind == "payout":
        return gettext("Paid on %(day)s") % {"day": record.partition(":")[2]}
    return source


def rule_text(rule: CommissionRule) -> str:
    """A rule in the reader's language ("3.00 percent of assisted sales")."""
    if rule.kind == CommissionRule.Kind.SALES_PERCENT:
        if rule.category_id is not None:
            return gettext("%(percent)s percent of assisted sales in %(category)s") % {
                "percent": rule.percent,
                "category": rule.category,
            }
        return gettext("%(percent)s percent of assisted sales") % {"percent": rule.percent}
    if rule.kind == CommissionRule.Kind.PARCEL_FEE:
        return gettext("¥%(amount)s per parcel handed over") % {"amount": rule.amount}
    return gettext("¥%(amount)s per job applicant registered") % {"amount": rule.amount}


def commission_for(
    *, actor: AnyUser, agent_id: int | None = None, limit: int = 100
) -> CommissionView:
    """An agent's commission: their own (agent_id None or theirs); any agent's for the staff
    above the agents and finance staff. Lines without money (an order no rule covered) are
    left out."""
    stations = stations_of(actor)
    own = actor.pk
    if agent_id is None or agent_id == own:
        if stations == frozenset() and not payouts_permitted(user=actor):
            raise NotAnAgentError
        agent_id = own
    elif stations is not None and not payouts_permitted(user=actor):
        # An agent asking for another agent's: nothing to probe.
        raise AgentNotFoundError
    if agent_id is None or not isinstance(agent_id, int) or not 0 < agent_id < 2**63:
        raise AgentNotFoundError
    limit = max(1, min(int(limit), 500))
    totals = dict.fromkeys(CommissionLine.Kind.values, ZERO)
    rows = CommissionLine.objects.filter(agent_id=agent_id).exclude(amount=0)
    for kind, amount in rows.values_list("kind", "amount"):
        totals[kind] += amount
    lines = tuple(
        CommissionLineRow(
            id=line.pk,
            kind=line.kind,
            kind_label=str(CommissionLine.Kind(line.kind).label),
            source=line.source,
            source_label=_source_label(line.source),
            base=line.base,
            amount=line.amount,
            at=line.created_at,
        )
        for line in rows.order_by("-created_at", "-id")[:limit]
    )
    rules = tuple(
        rule_text(rule)
        for rule in CommissionRule.objects.filter(is_active=True)
        .select_related("category")
        .order_by("kind", "id")
    )
    return CommissionView(
        agent_id=agent_id,
        accrued=totals[CommissionLine.Kind.ACCRUAL],
        reversed=ZERO - totals[CommissionLine.Kind.REVERSAL],
        paid=ZERO - totals[CommissionLine.Kind.PAYOUT],
        balance=ZERO - account_balance(code=agent_commission_account(agent_id)),
        lines=lines,
        rules=rules,
    )
