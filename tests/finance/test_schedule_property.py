"""Any valid terms give a schedule whose principal parts sum exactly to the principal, whose
balance reaches zero, and which has no negative amount."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.finance.errors import InvalidLoanTermsError
from xiangcun.finance.schedule import ScheduleTerms, schedule_build


@st.composite
def loan_terms(draw: st.DrawFn) -> ScheduleTerms:
    periods = draw(st.integers(min_value=1, max_value=360))
    return ScheduleTerms(
        principal=Decimal(draw(st.integers(min_value=1, max_value=1_000_000_000))) / 100,
        annual_rate=Decimal(draw(st.integers(min_value=0, max_value=100_000))) / 1000,
        periods=periods,
        frequency=draw(st.sampled_from(["monthly", "weekly"])),
        interest_method=draw(st.sampled_from(["declining", "flat"])),
        amortization=draw(st.sampled_from(["equal_installments", "equal_principal"])),
        grace_principal=draw(st.integers(min_value=0, max_value=periods - 1)),
        multiple=draw(st.sampled_from([0, 0, 1, 5, 10, 100, 1000])),
        first_due=draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))),
    )


@settings(max_examples=300, deadline=None)
@given(terms=loan_terms())
def test_every_schedule_repays_exactly_the_principal_without_negative_amounts(
    terms: ScheduleTerms,
) -> None:
    try:
        schedule = schedule_build(terms)
    except InvalidLoanTermsError as error:
        refused_field = error.field
    else:
        refused_field = None
    if refused_field is not None:
        # Only a rounding multiple too coarse for the loan is refused among valid terms.
        assert (refused_field, terms.multiple > 0) == ("multiple", True)
        return
    rows = schedule.rows
    assert sum(row.principal for row in rows) == terms.principal
    assert schedule.total_principal == terms.principal
    assert rows[-1].outstanding == 0
    assert schedule.total_interest == sum(row.interest for row in rows)
    assert 1 <= len(rows) <= terms.periods
    balance = terms.principal
    for row in rows:
        assert row.principal >= 0
        assert row.interest >= 0
        assert row.total == row.principal + row.interest
        balance -= row.principal
        assert row.outstanding == balance >= 0
        assert row.principal == row.principal.quantize(Decimal("0.01"))
        assert row.interest == row.interest.quantize(Decimal("0.01"))
    dues = [row.due for row in rows]
    assert dues == sorted(set(dues))
    assert all(row.n == index for index, row in enumerate(rows, start=1))
