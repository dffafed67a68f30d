"""The loan schedule engine against Apache Fineract's figures and rules.

Cases marked "issue 9" are the Fineract figures quoted in the issue; the others are worked by
hand from Fineract's LoanApplicationTerms (apache/fineract, fineract-loan module:
calculateTotalPrincipalPerPeriodWithoutGrace, paymentPerPeriod, calculateEqualPrincipalDue-
ForInstallment, adjustPrincipalIfLastRepaymentPeriod) and checked line by line below."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from xiangcun.finance.errors import InvalidLoanTermsError
from xiangcun.finance.schedule import ScheduleTerms, schedule_build

D = Decimal


def terms(**overrides: object) -> ScheduleTerms:
    values: dict[str, object] = {
        "principal": D("5000"),
        "annual_rate": D("12"),
        "periods": 18,
        "frequency": "monthly",
        "interest_method": "declining",
        "amortization": "equal_installments",
        "multiple": 1,
        "first_due": datetime.date(2026, 1, 31),
    }
    values.update(overrides)
    return ScheduleTerms(**values)  # type: ignore[arg-type]


def amounts(field: str, **overrides: object) -> list[Decimal]:
    return [getattr(row, field) for row in schedule_build(terms(**overrides)).rows]


# --- issue 9: the three Fineract schedules ------------------------------------------------------


def test_flat_equal_instalments_round_the_principal_to_whole_yuan() -> None:
    schedule = schedule_build(terms(interest_method="flat"))
    assert [(r.principal, r.interest, r.total) for r in schedule.rows[:17]] == [
        (D("278.00"), D("50.00"), D("328.00"))
    ] * 17
    last = schedule.rows[-1]
    assert (last.n, last.principal, last.interest, last.total) == (18, D(274), D(50), D(324))
    assert schedule.total_interest == D("900.00")
    assert schedule.total_principal == D("5000.00")


def test_declining_equal_instalments_pay_305_a_month() -> None:
    schedule = schedule_build(terms())
    assert [row.total for row in schedule.rows[:17]] == [D("305.00")] * 17
    assert [row.interest for row in schedule.rows[:4]] == [
        D("50.00"),
        D("47.45"),
        D("44.87"),
        D("42.27"),
    ]
    last = schedule.rows[-1]
    assert (last.principal, last.interest, last.total) == (D("300.22"), D("3.00"), D("303.22"))
    assert schedule.total_interest == D("488.22")
    assert last.outstanding == D("0.00")


def test_declining_equal_principal_repays_277_78_a_month() -> None:
    schedule = schedule_build(terms(amortization="equal_principal"))
    assert [row.principal for row in schedule.rows[:17]] == [D("277.78")] * 17
    assert schedule.rows[-1].principal == D("277.74")
    interests = [row.interest for row in schedule.rows]
    assert interests[:3] == [D("50.00"), D("47.22"), D("44.44")]
    assert interests[-1] == D("2.78")
    assert schedule.total_interest == D("475.00")


# --- more of Fineract's rules -------------------------------------------------------------------


def test_flat_multiple_rounds_principal_and_interest_and_principal_absorbs_the_difference() -> None:
    # Fineract's own example, in the comment of calculateTotalPrincipalPerPeriodWithoutGrace:
    # principal 416.67 → 417, interest 12.50 → 13, so the principal part is 417 + 13 - 12.50.
    # 5000 over 12 months flat at 3 % gives exactly those: 5000/12 = 416.67, 5000 x 0.25 % = 12.50.
    schedule = schedule_build(terms(annual_rate=D(3), periods=12, interest_method="flat"))
    assert {(r.principal, r.interest, r.total) for r in schedule.rows[:11]} == {
        (D("417.50"), D("12.50"), D("430.00"))
    }
    last = schedule.rows[-1]
    assert (last.principal, last.interest) == (D("407.50"), D("12.50"))
    assert schedule.total_interest == D("150.00")


def test_without_a_multiple_instalments_are_to_the_fen() -> None:
    schedule = schedule_build(terms(multiple=0))
    # PMT(1 %, 18, 5000) = 304.9099…, rounded HALF_EVEN to the fen (Fineract's Money.of).
    assert schedule.rows[0].total == D("304.91")
    assert schedule.rows[0].interest == D("50.00")
    assert schedule.rows[-1].outstanding == D("0.00")
    assert sum(row.principal for row in schedule.rows) == D("5000")


def test_flat_without_a_multiple_spreads_principal_to_the_fen() -> None:
    schedule = schedule_build(terms(interest_method="flat", multiple=0))
    assert [row.principal for row in schedule.rows[:17]] == [D("277.78")] * 17
    assert schedule.rows[-1].principal == D("277.74")
    assert schedule.total_interest == D("900.00")


def test_grace_on_principal_pays_interest_only_then_the_annuity_over_the_rest() -> None:
    # Fineract "grace on principal payment" 2: periods 1-2 pay interest on the whole 5000, then
    # the instalment is the annuity over the 16 periods left: PMT(1 %, 16, 5000) = 339.73 → 340.
    schedule = schedule_build(terms(grace_principal=2))
    assert [(r.principal, r.interest) for r in schedule.rows[:2]] == [(D(0), D(50))] * 2
    assert schedule.rows[2].total == D("340.00")
    assert schedule.rows[2].interest == D("50.00")
    assert len(schedule.rows) == 18
    assert schedule.rows[-1].outstanding == 0
    assert schedule.total_principal == D("5000")


def test_grace_on_principal_with_equal_principal_spreads_it_over_the_paying_periods() -> None:
    schedule = schedule_build(terms(amortization="equal_principal", grace_principal=3))
    assert [row.principal for row in schedule.rows[:3]] == [D(0)] * 3
    # 5000 / 15 = 333.33; the last takes 5000 - 14 x 333.33 = 333.38.
    assert [row.principal for row in schedule.rows[3:17]] == [D("333.33")] * 14
    assert schedule.rows[-1].principal == D("333.38")
    assert [row.interest for row in schedule.rows[:4]] == [D("50.00")] * 4


def test_flat_interest_is_charged_in_grace_periods_too() -> None:
    # Flat interest is on the original principal for the whole term, 900 over 18 periods
    # whatever the grace; principal is spread over the 15 paying periods (333.33 → 333).
    schedule = schedule_build(terms(interest_method="flat", grace_principal=3))
    assert [row.interest for row in schedule.rows] == [D("50.00")] * 18
    assert [row.principal for row in schedule.rows[:3]] == [D(0)] * 3
    assert [row.principal for row in schedule.rows[3:17]] == [D(333)] * 14
    assert schedule.rows[-1].principal == D(338)
    assert schedule.total_interest == D(900)


def test_a_zero_rate_repays_the_principal_evenly_with_no_interest() -> None:
    for interest_method in ("declining", "flat"):
        schedule = schedule_build(
            terms(
                principal=D(1000),
                annual_rate=D(0),
                periods=3,
                multiple=0,
                interest_method=interest_method,
            )
        )
        assert [row.principal for row in schedule.rows] == [D("333.33"), D("333.33"), D("333.34")]
        assert schedule.total_interest == 0


def test_a_small_principal_still_sums_to_the_fen() -> None:
    schedule = schedule_build(terms(principal=D("0.05"), periods=12, multiple=0))
    assert sum(row.principal for row in schedule.rows) == D("0.05")
    assert all(row.principal >= 0 and row.interest >= 0 for row in schedule.rows)
    assert schedule.rows[-1].outstanding == 0


def test_flat_interest_that_does_not_divide_evenly_puts_the_remainder_last() -> None:
    # 1000 at 10 % flat over 3 months: 25.00 interest, 8.33 + 8.33 + 8.34 (Fineract's
    # adjustInterestIfLastRepaymentPeriod).
    schedule = schedule_build(
        terms(principal=D(1000), annual_rate=D(10), periods=3, interest_method="flat", multiple=0)
    )
    assert [row.interest for row in schedule.rows] == [D("8.33"), D("8.33"), D("8.34")]
    assert schedule.total_interest == D("25.00")


def test_weekly_interest_is_the_annual_rate_over_52() -> None:
    schedule = schedule_build(
        terms(
            principal=D(5200),
            annual_rate=D(26),
            periods=4,
            frequency="weekly",
            amortization="equal_principal",
            first_due=datetime.date(2026, 3, 2),
        )
    )
    # 26 % / 52 = 0.5 % a week on 5200, 3900, 2600, 1300.
    assert [row.interest for row in schedule.rows] == [
        D("26.00"),
        D("19.50"),
        D("13.00"),
        D("6.50"),
    ]
    assert [row.due for row in schedule.rows] == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 23),
    ]


# --- due dates ----------------------------------------------------------------------------------


def test_due_dates_keep_the_day_and_fall_back_to_the_month_end() -> None:
    dues = amounts("due", periods=4, first_due=datetime.date(2027, 1, 31))
    assert dues == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 30),
    ]


def test_a_leap_february_gets_its_29th() -> None:
    dues = amounts("due", periods=2, first_due=datetime.date(2028, 1, 30))
    assert dues == [datetime.date(2028, 1, 30), datetime.date(2028, 2, 29)]


def test_without_a_first_due_date_the_first_row_is_one_period_after_disbursement() -> None:
    dues = amounts("due", periods=3, first_due=None, disbursed_on=datetime.date(2026, 12, 31))
    assert dues == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
    ]
    weekly = amounts(
        "due",
        periods=2,
        frequency="weekly",
        first_due=None,
        disbursed_on=datetime.date(2026, 12, 31),
    )
    assert weekly == [datetime.date(2027, 1, 7), datetime.date(2027, 1, 14)]


# --- bounds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"principal": D(0)}, "principal"),
        ({"principal": D(-5)}, "principal"),
        ({"principal": D("10000000.01")}, "principal"),
        ({"principal": D("100.001")}, "principal"),
        ({"principal": D("NaN")}, "principal"),
        ({"principal": D("Infinity")}, "principal"),
        ({"annual_rate": D("-0.1")}, "annual_rate"),
        ({"annual_rate": D("100.5")}, "annual_rate"),
        ({"annual_rate": D("NaN")}, "annual_rate"),
        ({"periods": 0}, "periods"),
        ({"periods": 361}, "periods"),
        ({"periods": True}, "periods"),
        ({"grace_principal": 18}, "grace_principal"),
        ({"grace_principal": -1}, "grace_principal"),
        ({"multiple": 1001}, "multiple"),
        ({"multiple": -1}, "multiple"),
        ({"frequency": "daily"}, "frequency"),
        ({"interest_method": "compound"}, "interest_method"),
        ({"amortization": "balloon"}, "amortization"),
        ({"first_due": datetime.date(1900, 1, 1)}, "first_due"),
        (
            {"first_due": datetime.date(2026, 1, 1), "disbursed_on": datetime.date(2026, 1, 1)},
            "first_due",
        ),
    ],
)
def test_terms_out_of_bounds_are_refused_naming_the_field(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidLoanTermsError) as caught:
        schedule_build(terms(**overrides))
    assert caught.value.field == field
    assert caught.value.code == "invalid_loan_terms"
    assert caught.value.status == 400


def test_the_largest_loan_over_the_longest_term_is_built() -> None:
    for interest_method in ("declining", "flat"):
        schedule = schedule_build(
            terms(
                principal=D("10000000"),
                annual_rate=D(100),
                periods=360,
                multiple=0,
                interest_method=interest_method,
            )
        )
        assert len(schedule.rows) == 360
        assert schedule.total_principal == D("10000000")
        assert all(row.principal >= 0 for row in schedule.rows)
    # At 100 % a year the monthly interest is 833,333.33; an instalment rounded down to
    # 833,000 would never repay anything, so that multiple is refused.
    with pytest.raises(InvalidLoanTermsError):
        schedule_build(
            terms(principal=D("10000000"), annual_rate=D(100), periods=360, multiple=1000)
        )


def test_a_multiple_that_leaves_nothing_for_principal_is_refused() -> None:
    # 5000 over 18 months: the instalment 304.91 rounds to 0 at a multiple of 1000.
    with pytest.raises(InvalidLoanTermsError) as caught:
        schedule_build(terms(multiple=1000))
    assert caught.value.field == "multiple"
    with pytest.raises(InvalidLoanTermsError) as caught:
        schedule_build(terms(multiple=1000, interest_method="flat"))
    assert caught.value.field == "multiple"


def test_an_instalment_rounded_up_past_the_debt_ends_the_schedule_early() -> None:
    # 1000 over 12 months at a multiple of 500: 88.85 rounds to 0 → refused; at 200 it is
    # 88.85 → 0 as well; at 100 it is 100, which repays 1000 in 11 rows (the last smaller).
    schedule = schedule_build(terms(principal=D(1000), periods=12, multiple=100))
    assert schedule.rows[0].total == D(100)
    assert schedule.rows[-1].outstanding == 0
    assert len(schedule.rows) == 11
    assert schedule.total_principal == D(1000)


@pytest.mark.parametrize(
    ("overrides", "chinese"),
    [
        ({"principal": D(0)}, "金额必须大于 ¥0"),
        ({"annual_rate": D(101)}, "年利率必须在 0% 到 100% 之间"),
        ({"periods": 0}, "还款期数"),
        ({"grace_principal": 18}, "本金宽限期数"),
        ({"multiple": 5000}, "取整倍数"),
        ({"multiple": 1000}, "不足以支付利息"),
        ({"frequency": "daily"}, "请从以下选项中选择一个"),
        ({"first_due": datetime.date(1900, 1, 1)}, "1970 年到 2200 年"),
    ],
)
def test_refusals_read_in_the_users_language(overrides: dict[str, object], chinese: str) -> None:
    with translation.override("zh-hans"), pytest.raises(InvalidLoanTermsError) as caught:
        schedule_build(terms(**overrides))
    assert chinese in str(caught.value.message)
    with translation.override("en"), pytest.raises(InvalidLoanTermsError) as caught:
        schedule_build(terms(**overrides))
    assert not any("\u4e00" <= char <= "\u9fff" for char in str(caught.value.message))
