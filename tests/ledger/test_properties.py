"""Property test: thousands of random postings and reversals, valid and not, against a model.

Every accepted entry balances, the ledger's total stays 0, every account's balance matches a
plain-Python model of what was accepted, idempotent retries add nothing, and every refused
operation leaves the database exactly as it was.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.core.errors import XiangcunError
from xiangcun.ledger.models import Account, JournalEntry, Posting
from xiangcun.ledger.selectors import account_balance, ledger_total, unbalanced_entries
from xiangcun.ledger.services import entry_post, entry_reverse

CODES = [
    "buyer_payments_clearing",
    "commission_income",
    "delivery_income",
    "cash:county",
    "cash:station:1",
    "cash:station:2",
    "provider_receivable:sandbox",
    "provider_receivable:wechat",
    "seller_payable:1",
    "seller_payable:2",
    "seller_payable:3",
]
BAD_CODES = ["seller_payable:x", "petty_cash", "cash:station:0"]
KINDS = ["payment", "commission", "refund", "cash_collected", "cash_handover", "payout"]
REFERENCES = [f"ref:{n}" for n in range(12)]  # few, so retries and conflicts happen often

cents = st.integers(min_value=-10_000_00, max_value=10_000_00).filter(bool)


@st.composite
def balanced_lines(draw: st.DrawFn) -> list[tuple[str, Decimal]]:
    amounts = draw(st.lists(cents, min_size=1, max_size=4))
    closing = -sum(amounts)
    if closing == 0:
        closing = 1
        amounts[0] -= 1
        if amounts[0] == 0:
            amounts[0], closing = 5, -5 - sum(amounts[1:])
            if closing == 0:
                amounts.append(7)
                closing = -sum(amounts)
    amounts.append(closing)
    codes = draw(st.lists(st.sampled_from(CODES), min_size=len(amounts), max_size=len(amounts)))
    return [(code, Decimal(amount) / 100) for code, amount in zip(codes, amounts, strict=True)]


@st.composite
def broken_lines(draw: st.DrawFn) -> list[tuple[object, object]]:
    lines: list[tuple[object, object]] = list(draw(balanced_lines()))
    flaw = draw(st.sampled_from(["unbalanced", "zero", "places", "one", "code", "float"]))
    if flaw == "unbalanced":
        code, amount = lines[0]
        lines[0] = (code, amount + Decimal("0.01"))
    elif flaw == "zero":
        lines.append((draw(st.sampled_from(CODES)), Decimal("0.00")))
    elif flaw == "places":
        code, amount = lines[0]
        lines[0] = (code, amount + Decimal("0.001"))
        code, amount = lines[1]
        lines[1] = (code, amount - Decimal("0.001"))
    elif flaw == "one":
        lines = lines[:1]
    elif flaw == "code":
        code, amount = lines[-1]
        lines[-1] = (draw(st.sampled_from(BAD_CODES)), amount)
    else:
        code, amount = lines[0]
        lines[0] = (code, float(amount))
    return lines


operation = st.one_of(
    st.tuples(
        st.just("post"), st.sampled_from(KINDS), st.sampled_from(REFERENCES), balanced_lines()
    ),
    st.tuples(
        st.just("broken"), st.sampled_from(KINDS), st.sampled_from(REFERENCES), broken_lines()
    ),
    st.tuples(
        st.just("reverse"), st.integers(min_value=0, max_value=40), st.sampled_from(REFERENCES)
    ),
)


def _snapshot() -> tuple[int, int, int]:
    return JournalEntry.objects.count(), Posting.objects.count(), Account.objects.count()


class _RollbackError(Exception):
    pass


OPERATIONS_RUN = Counter[str]()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=15, max_size=50))
def _random_operations(operations: list[tuple]) -> None:
    try:
        with transaction.atomic():
            _run(operations)
            raise _RollbackError  # each example starts from an empty ledger
    except _RollbackError:
        pass


def _run(operations: list[tuple]) -> None:
    expected: Counter[str] = Counter()
    posted: list[int] = []
    for op in operations:
        before = _snapshot()
        OPERATIONS_RUN[op[0]] += 1
        try:
            if op[0] == "reverse":
                if not posted:
                    continue
                entry = entry_reverse(entry_id=posted[op[1] % len(posted)], reference=op[2])
            else:
                _name, kind, reference, lines = op
                entry = entry_post(kind=kind, reference=reference, lines=lines)
        except XiangcunError as error:
            refused_code = error.code
        else:
            refused_code = ""
        if refused_code:
            # A well-formed entry is refused only when its reference was used with other lines.
            assert op[0] != "post" or refused_code == "entry_conflict", refused_code
            assert _snapshot() == before, f"refused {op[0]} wrote something"
            continue
        assert op[0] != "broken", "a broken entry was accepted"
        postings = list(Posting.objects.filter(entry=entry).select_related("account"))
        assert len(postings) >= 2
        assert sum(p.amount for p in postings) == 0
        if _snapshot()[0] == before[0]:
            continue  # an idempotent retry: nothing new
        assert _snapshot()[0] == before[0] + 1
        posted.append(entry.pk)
        for posting in postings:
            expected[posting.account.code] += posting.amount
    assert ledger_total() == 0
    assert unbalanced_entries() == []
    # SQLite sums decimals in floating point: round the raw sums to the cent to compare.
    totals = {
        code: total.quantize(Decimal("0.01"))
        for code, total in Posting.objects.values_list("account__code").annotate(
            total=Sum("amount")
        )
    }
    for code in CODES:
        assert account_balance(code=code) == expected[code] == totals.get(code, Decimal(0))


@pytest.mark.django_db
def test_random_operations_keep_every_entry_balanced_and_the_ledger_at_zero() -> None:
    OPERATIONS_RUN.clear()

    _random_operations()

    # The run really covered thousands of operations of every sort, refused ones included.
    assert sum(OPERATIONS_RUN.values()) >= 2000
    assert min(OPERATIONS_RUN[name] for name in ("post", "broken", "reverse")) >= 300
