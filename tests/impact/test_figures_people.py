"""The people facts (hires, training, loans, income, reach by being hired, trained, borrowing),
each checked against a count made here over the raw records, plus the figures worked out by
hand: a resident who moved is counted where they lived that day, test and staff accounts are
left out, a whole month of wages is exactly the monthly wage, PAR30 starts on the 31st day, and
building a day twice changes nothing.

The world is tests/impact/conftest.py's `impact_world` with hires, certificates, loans and
payouts added below (`people`)."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import (
    InstalmentFactory,
    LoanFactory,
    PayoutFactory,
    RepaymentAllocationFactory,
    RepaymentFactory,
)
from tests.impact.conftest import at
from tests.jobs.factories import PostingFactory
from tests.sellers.factories import SellerFactory
from tests.training.factories import CertificateFactory, CourseFactory
from xiangcun.accounts.models import ResidentProfile, User
from xiangcun.accounts.services import resident_move
from xiangcun.accounts.types import Role
from xiangcun.finance.models import Instalment, Loan, Payout, Repayment, RepaymentAllocation
from xiangcun.impact.models import IncomeDay, JobsDay, LoansDay, ReachDay, TrainingDay
from xiangcun.impact.services.facts_people import (
    people_days_changed,
    people_facts_build,
    people_first_day,
)
from xiangcun.jobs.models import Application, Employment
from xiangcun.jobs.types import ApplicationStatus, JobRole, Source
from xiangcun.training.models import Certificate, Course

D0 = datetime.date(2026, 3, 9)
D1 = datetime.date(2026, 3, 10)
D2 = datetime.date(2026, 3, 11)
LAST = datetime.date(2026, 4, 30)
DAYS = [D0 + datetime.timedelta(days=n) for n in range((LAST - D0).days + 1)]
ZERO = Decimal("0.00")


def hire(w: SimpleNamespace, user: User, posting: Any, start: datetime.date, wage: int) -> None:
    application = Application.objects.create(
        posting=posting,
        name=user.name,
        phone=f"139{user.pk:08d}",
        village=w.v1,
        township=w.t1,
        source=Source.ONLINE,
        entered_by=user,
        user=user,
        status=ApplicationStatus.HIRED,
    )
    Employment.objects.create(
        application=application,
        posting=posting,
        user=user,
        start_date=start,
        monthly_wage=wage,
        hired_by=w.recruiter,
    )


def loan(shop: Any, principal: str, disbursed_at: datetime.datetime | None, **fields: Any) -> Loan:
    made: Loan = LoanFactory(
        seller=shop,
        principal=Decimal(principal),
        requested_amount=Decimal(principal),
        disbursed_at=disbursed_at,
        **fields,
    )
    return made


def instalment(made: Loan, number: int, due: datetime.date, principal: str, **fields: Any) -> Any:
    return InstalmentFactory(
        loan=made,
        number=number,
        due_date=due,
        principal=Decimal(principal),
        interest=Decimal("10.00"),
        **fields,
    )


def repay(made: Loan, row: Instalment, on: datetime.date, principal: str) -> None:
    amount = Decimal(principal)
    repayment = RepaymentFactory(
        loan=made,
        status=Repayment.Status.POSTED,
        amount=amount,
        principal=amount,
        on=on,
        posted_at=at(on, 9),
    )
    RepaymentAllocationFactory(repayment=repayment, instalment=row, principal=amount)


@pytest.fixture
def people(impact_world: SimpleNamespace) -> SimpleNamespace:
    w = impact_world
    w.recruiter = user_with_role(Role.RECRUITER)
    # Jobs: drivers in t1, packers in t2.
    w.drivers = PostingFactory(station=None, township=w.t1, role=JobRole.DRIVER)
    w.packers = PostingFactory(station=None, township=w.t2, role=JobRole.PACKER)
    hire(w, w.alice, w.drivers, D1, 3000)
    hire(w, w.dave, w.drivers, D1, 2800)  # not a resident
    hire(w, w.tess, w.drivers, D1, 2500)  # test account
    hire(w, w.stan, w.packers, D1, 2500)  # staff
    hire(w, w.bob, w.packers, datetime.date(2026, 3, 15), 3100)  # in v2 then, v3 from 1 April
    hire(w, w.erin, w.packers, datetime.date(2026, 4, 2), 2900)

    # Training.
    ecommerce = CourseFactory(area=Course.Area.ECOMMERCE)
    food = CourseFactory(area=Course.Area.FOOD_SAFETY)
    sales = CourseFactory(area=Course.Area.SALES)
    CertificateFactory(holder=w.alice, course=ecommerce, issued_on=D1)
    CertificateFactory(holder=w.alice, course=food, issued_on=D1)
    CertificateFactory(holder=w.dave, course=ecommerce, issued_on=D1)
    CertificateFactory(holder=w.erin, course=ecommerce, issued_on=D1, revoked=True)
    CertificateFactory(holder=w.tess, course=ecommerce, issued_on=D1)
    CertificateFactory(holder=w.stan, course=food, issued_on=D1)
    w.bob_food = CertificateFactory(holder=w.bob, course=food, issued_on=datetime.date(2026, 3, 20))
    CertificateFactory(holder=w.bob, course=sales, issued_on=datetime.date(2026, 4, 5))

    # Loans. alice's: repays her first instalment on time.
    w.loan_a = loan(w.shop_a, "3000.00", at(D1, 10))
    first = instalment(
        w.loan_a,
        1,
        datetime.date(2026, 4, 10),
        "1000.00",
        paid_at=at(datetime.date(2026, 4, 10), 9),
    )
    instalment(w.loan_a, 2, datetime.date(2026, 5, 10), "1000.00")
    instalment(w.loan_a, 3, datetime.date(2026, 6, 10), "1000.00")
    repay(w.loan_a, first, datetime.date(2026, 4, 10), "1000.00")
    # erin's: disbursed half past midnight on D2; the first instalment (20 March) is never paid
    # in full, so from 20 April (31 days late) the loan is at risk; 400 repaid on 25 April.
    w.loan_e = loan(w.shop_e, "2000.00", at(D2, 0, 30))
    late = instalment(w.loan_e, 1, datetime.date(2026, 3, 20), "1000.00")
    instalment(w.loan_e, 2, datetime.date(2026, 4, 20), "1000.00")
    repay(w.loan_e, late, datetime.date(2026, 4, 25), "400.00")
    # frank's: disbursed on D0, repaid and closed on 31 March.
    w.loan_f = loan(
        w.shop_f,
        "1000.00",
        at(D0, 9),
        status=Loan.Status.CLOSED,
        closed_at=at(datetime.date(2026, 3, 31), 12),
    )
    only = instalment(
        w.loan_f,
        1,
        datetime.date(2026, 3, 31),
        "1000.00",
        paid_at=at(datetime.date(2026, 3, 31), 12),
    )
    repay(w.loan_f, only, datetime.date(2026, 3, 31), "1000.00")
    # A pending (unposted) repayment counts for nothing.
    RepaymentFactory(loan=w.loan_a, status=Repayment.Status.PENDING, on=D2)
    # Left out or elsewhere: a test account's shop; a shop outside the county (no township);
    # an approved loan not yet disbursed.
    w.loan_t = loan(w.shop_t, "5000.00", at(D1, 11))
    instalment(w.loan_t, 1, datetime.date(2026, 3, 1), "5000.00")
    w.loan_x = loan(w.shop_x, "4000.00", at(D1, 12))
    loan(w.shop_f, "500.00", None, status=Loan.Status.APPROVED)

    # Payouts.
    PayoutFactory(seller=w.shop_a, amount=Decimal("500.00"), paid_at=at(D1, 15))
    PayoutFactory(seller=w.shop_e, amount=Decimal("200.00"), paid_at=at(D1, 16))
    PayoutFactory(seller=w.shop_t, amount=Decimal("300.00"), paid_at=at(D1, 15))  # test
    PayoutFactory(seller=w.shop_x, amount=Decimal("100.00"), paid_at=at(D1, 15))  # outside
    PayoutFactory(seller=w.shop_a, amount=Decimal("80.00"), status="failed", paid_at=None)
    PayoutFactory(seller=w.shop_f, amount=Decimal("60.00"), paid_at=at(D2, 0, 10))
    PayoutFactory(
        seller=w.shop_a, amount=Decimal("70.00"), paid_at=at(datetime.date(2026, 4, 3), 10)
    )
    return w


def build(days: list[datetime.date] = DAYS) -> None:
    for day in days:
        people_facts_build(day=day)


# --- Independent counts over the raw records ---------------------------------------------------


def counted(user: User) -> bool:
    return not (user.is_test or user.is_staff or user.is_superuser)


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(timezone.get_default_timezone()).date()


def lived(user: User, day: datetime.date) -> tuple[int, int, int, int | None] | None:
    """(resident, village, township, household) of the user's resident profile on `day`."""
    profile = ResidentProfile.objects.filter(user=user).first()
    if profile is None or not counted(user):
        return None
    later = sorted(profile.moves.filter(moved_on__gt=day), key=lambda m: (m.moved_on, m.pk))
    village = later[0].from_village if later else profile.village
    return profile.pk, village.pk, village.township_id, profile.household_id


def expected_hires(day: datetime.date) -> dict[tuple[str, int], tuple[int, int]]:
    tally: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for job in Employment.objects.select_related("posting", "user"):
        if job.start_date == day and counted(job.user):
            row = tally[(job.posting.role, job.posting.township_id)]
            row[0] += 1
            row[1] += lived(job.user, day) is not None
    return {key: (row[0], row[1]) for key, row in tally.items()}


def expected_training(day: datetime.date) -> Counter[tuple[Any, Any, str]]:
    tally: Counter[tuple[Any, Any, str]] = Counter()
    for certificate in Certificate.objects.select_related("holder", "course"):
        if certificate.issued_on != day or certificate.revoked or not counted(certificate.holder):
            continue
        place = lived(certificate.holder, day)
        township, village = (place[2], place[1]) if place else (None, None)
        tally[(township, village, certificate.course.area)] += 1
    return tally


def expected_loans(day: datetime.date) -> dict[Any, tuple[int, Decimal, int, Decimal, Decimal]]:
    out: dict[Any, list[Any]] = defaultdict(lambda: [0, ZERO, 0, ZERO, ZERO])
    for made in Loan.objects.select_related("seller__owner", "seller__village"):
        if made.disbursed_at is None or not counted(made.seller.owner):
            continue
        township = made.seller.township_id or (
            made.seller.village and made.seller.village.township_id
        )
        if local_day(made.disbursed_at) == day:
            out[township][0] += 1
            out[township][1] += made.principal
        if local_day(made.disbursed_at) > day:
            continue
        if made.closed_at is not None and local_day(made.closed_at) <= day:
            continue
        repaid = sum(
            (
                a.principal
                for a in RepaymentAllocation.objects.filter(instalment__loan=made)
                if a.repayment.status == "posted" and a.repayment.on <= day
            ),
            ZERO,
        )
        outstanding = made.principal - repaid
        out[township][2] += 1
        out[township][3] += outstanding
        if any(
            (day - row.due_date).days > 30 and (row.paid_at is None or local_day(row.paid_at) > day)
            for row in made.instalments.all()
        ):
            out[township][4] += outstanding
    return {key: tuple(value) for key, value in out.items()}  # type: ignore[misc]


def expected_payouts(day: datetime.date) -> Counter[tuple[Any, ...]]:
    """Payout money by (seller, household, township, village) on `day`."""
    tally: Counter[tuple[Any, ...]] = Counter()
    for payout in Payout.objects.select_related("seller__owner", "seller__village"):
        seller = payout.seller
        if (
            payout.status != "paid"
            or payout.paid_at is None
            or local_day(payout.paid_at) != day
            or seller.village is None
            or not counted(seller.owner)
        ):
            continue
        owner = lived(seller.owner, day)
        key = (
            seller.pk,
            owner[3] if owner else None,
            seller.village.township_id,
            seller.village_id,
        )
        tally[key] += payout.amount
    return tally


def expected_reach(day: datetime.date) -> set[tuple[str, int, int, int]]:
    """(way, resident, township, village) reached on `day` by being hired, trained, borrowing."""
    out = set()
    for job in Employment.objects.select_related("user"):
        place = lived(job.user, day)
        if job.start_date == day and place:
            out.add(("employed", place[0], place[2], place[1]))
    for certificate in Certificate.objects.select_related("holder"):
        place = lived(certificate.holder, day)
        if certificate.issued_on == day and not certificate.revoked and place:
            out.add(("trained", place[0], place[2], place[1]))
    for made in Loan.objects.select_related("seller__owner"):
        place = lived(made.seller.owner, day)
        if made.disbursed_at and local_day(made.disbursed_at) == day and place:
            out.add(("borrowed", place[0], place[2], place[1]))
    return out


# --- The figures against the counts ------------------------------------------------------------


def test_each_days_people_facts_match_a_count_over_the_raw_records(
    people: SimpleNamespace,
) -> None:
    build()
    for day in DAYS:
        jobs = {
            (r.role, r.township_id): (r.hires, r.residents) for r in JobsDay.objects.filter(day=day)
        }
        assert jobs == expected_hires(day), day
        training: Counter[tuple[Any, Any, str]] = Counter()
        for r in TrainingDay.objects.filter(day=day):
            training[(r.township_id, r.village_id, r.area)] += r.completions
        assert training == expected_training(day), day
        loans = {
            r.township_id: (
                r.disbursed_count,
                r.disbursed_amount,
                r.outstanding_count,
                r.outstanding_amount,
                r.at_risk_amount,
            )
            for r in LoansDay.objects.filter(day=day)
        }
        assert loans == expected_loans(day), day
        payouts: Counter[tuple[Any, ...]] = Counter()
        for r in IncomeDay.objects.filter(day=day, kind="payout"):
            payouts[(r.seller_id, r.household_id, r.township_id, r.village_id)] += r.amount
        assert payouts == expected_payouts(day), day
        reach = set(
            ReachDay.objects.filter(day=day).values_list(
                "way", "resident_id", "township_id", "village_id"
            )
        )
        assert reach == expected_reach(day), day


def test_the_figures_worked_out_by_hand(people: SimpleNamespace) -> None:
    w = people
    build()
    # Hires on D1: alice and dave as drivers in t1 (one of them a resident); tess and stan left
    # out. Employed by the end of April: alice, dave, bob, erin.
    assert list(
        JobsDay.objects.filter(day=D1).values_list("role", "township_id", "hires", "residents")
    ) == [("driver", w.t1.pk, 2, 1)]
    assert sum(JobsDay.objects.filter(day__lte=LAST).values_list("hires", flat=True)) == 4
    assert sum(JobsDay.objects.filter(day__lte=D2).values_list("hires", flat=True)) == 2
    # Completions: alice's two in v1, dave's with no place; erin's revoked one not counted.
    assert sorted(
        TrainingDay.objects.filter(day=D1).values_list("village_id", "area", "completions"),
        key=str,
    ) == sorted(
        [(w.v1.pk, "ecommerce", 1), (w.v1.pk, "food_safety", 1), (None, "ecommerce", 1)], key=str
    )
    # bob trained in v2 before his move and in v3 after it.
    assert list(
        ReachDay.objects.filter(resident_id=w.bob_r.pk, way="trained")
        .order_by("day")
        .values_list("day", "village_id")
    ) == [
        (datetime.date(2026, 3, 20), w.v2.pk),
        (datetime.date(2026, 4, 5), w.v3.pk),
    ]
    # Loans: D1 alice's 3000 in t1 and the outside shop's 4000 with no township; erin's on D2.
    assert set(
        LoansDay.objects.filter(day=D1, disbursed_count__gt=0).values_list(
            "township_id", "disbursed_count", "disbursed_amount"
        )
    ) == {
        (w.t1.pk, 1, Decimal("3000.00")),
        (None, 1, Decimal("4000.00")),
    }
    t1 = {r.day: r for r in LoansDay.objects.filter(township_id=w.t1.pk)}
    assert t1[D2].disbursed_amount == Decimal("2000.00")
    # Outstanding in t1 at the end of D2: alice 3000 + erin 2000 (frank's is in t2).
    assert (t1[D2].outstanding_count, t1[D2].outstanding_amount) == (2, Decimal("5000.00"))
    # PAR30: erin's first instalment (due 20 March) is 30 days late on 19 April, 31 on the 20th.
    assert t1[datetime.date(2026, 4, 19)].at_risk_amount == ZERO
    assert t1[datetime.date(2026, 4, 20)].at_risk_amount == Decimal("2000.00")
    assert t1[datetime.date(2026, 4, 25)].at_risk_amount == Decimal("1600.00")
    # alice repaid 1000 on 10 April.
    assert t1[datetime.date(2026, 4, 10)].outstanding_amount == Decimal("2000.00") + Decimal(
        "2000.00"
    )
    # frank's loan (t2) is outstanding until it closes on 31 March.
    t2 = {r.day: r for r in LoansDay.objects.filter(township_id=w.t2.pk)}
    assert t2[datetime.date(2026, 3, 30)].outstanding_amount == Decimal("1000.00")
    assert datetime.date(2026, 3, 31) not in t2
    # Payouts per household: alice's poor household 500 on D1 and 70 on 3 April; the failed
    # payout, the test account's and the outside shop's are not there.
    poor = IncomeDay.objects.filter(kind="payout", household_id=w.poor_household.pk)
    assert sorted(poor.values_list("day", "amount")) == [
        (D1, Decimal("500.00")),
        (datetime.date(2026, 4, 3), Decimal("70.00")),
    ]
    assert not IncomeDay.objects.filter(seller_id__in=[w.shop_t.pk, w.shop_x.pk]).exists()
    # Nobody left out is reached.
    assert not ReachDay.objects.filter(resident_id__in=[w.tess_r.pk, w.stan_r.pk]).exists()
    assert not IncomeDay.objects.filter(resident_id__in=[w.tess_r.pk, w.stan_r.pk]).exists()


def test_wages_of_a_whole_month_add_up_to_the_monthly_wage(people: SimpleNamespace) -> None:
    w = people
    build()

    def wages(resident: ResidentProfile, first: datetime.date, last: datetime.date) -> Decimal:
        rows = IncomeDay.objects.filter(
            kind="wage", resident_id=resident.pk, day__gte=first, day__lte=last
        )
        return sum(rows.values_list("amount", flat=True), ZERO)

    april = (datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert wages(w.alice_r, *april) == Decimal("3000.00")
    assert wages(w.bob_r, *april) == Decimal("3100.00")
    # From 10 March: 21 days at 96.77 (3000 / 31 rounded down) and 96.90 on the 31st.
    assert wages(w.alice_r, D1, datetime.date(2026, 3, 31)) == Decimal("2129.07")
    # erin from 2 April: 28 days at 96.66 and 96.86 on the 30th (2900 - 29 x 96.66).
    assert wages(w.erin_r, *april) == Decimal("96.66") * 28 + Decimal("96.86")
    # No wages before the start, none for non-residents or left-out accounts.
    assert wages(w.alice_r, D0, D0) == ZERO
    assert not IncomeDay.objects.filter(kind="wage", resident_id__isnull=True).exists()
    assert set(IncomeDay.objects.filter(kind="wage").values_list("resident_id", flat=True)) == {
        w.alice_r.pk,
        w.bob_r.pk,
        w.erin_r.pk,
    }
    # bob's wages are placed where he lived: v2 in March, v3 from 1 April.
    places = dict(
        IncomeDay.objects.filter(kind="wage", resident_id=w.bob_r.pk).values_list(
            "day", "village_id"
        )
    )
    assert places[datetime.date(2026, 3, 31)] == w.v2.pk
    assert places[datetime.date(2026, 4, 1)] == w.v3.pk
    # The poor household's income over April: alice's wage and her 70 payout.
    income = IncomeDay.objects.filter(
        household_id=w.poor_household.pk, day__gte=april[0], day__lte=april[1]
    )
    assert sum(income.values_list("amount", flat=True), ZERO) == Decimal("3070.00")
    assert set(income.values_list("poor", flat=True)) == {True}


def test_building_a_day_twice_changes_nothing(people: SimpleNamespace) -> None:
    def snapshot(day: datetime.date) -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        for model in (JobsDay, TrainingDay, LoansDay, IncomeDay, ReachDay):
            fields = [f.name for f in model._meta.fields if f.name != "id"]
            out[model.__name__] = sorted(
                model.objects.filter(day=day).values_list(*fields), key=str
            )
        return out

    for day in (D1, D2, datetime.date(2026, 4, 20)):
        written = people_facts_build(day=day)
        first = snapshot(day)
        assert written == sum(len(rows) for rows in first.values()) > 0
        assert people_facts_build(day=day) == written
        assert snapshot(day) == first


def test_the_first_day_and_the_days_changed_since_a_time(people: SimpleNamespace) -> None:
    w = people
    assert people_first_day() == D0
    build([datetime.date(2026, 4, 1), datetime.date(2026, 4, 2)])
    since = timezone.now()
    assert people_days_changed(since=since) == set()

    # A certificate revoked today changes its issue day; a payout recorded paid, its paid day.
    w.bob_food.revoked = True
    w.bob_food.save()
    PayoutFactory(
        seller=w.shop_e, amount=Decimal("20.00"), paid_at=at(datetime.date(2026, 3, 25), 10)
    )
    # alice moved to v2 on 1 April: the days from then on that counted her somewhere.
    resident_move(
        actor=user_with_role(Role.AGENT),
        resident_id=w.alice_r.pk,
        village_id=w.v2.pk,
        moved_on=datetime.date(2026, 4, 1),
    )
    changed = people_days_changed(since=since)
    assert {
        datetime.date(2026, 3, 20),
        datetime.date(2026, 3, 25),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 4, 2),
    } == changed

    # A repayment received back in April changes every day's balances from then on.
    later = timezone.now()
    repay(
        w.loan_e,
        Instalment.objects.get(loan=w.loan_e, number=2),
        datetime.date(2026, 4, 28),
        "100.00",
    )
    changed = people_days_changed(since=later)
    today = timezone.localdate()
    assert min(changed) == datetime.date(2026, 4, 28)
    assert max(changed) == today
    assert len(changed) == (today - datetime.date(2026, 4, 28)).days + 1

    # After the move alice's April facts are in v2.
    build([datetime.date(2026, 4, 2)])
    assert (
        IncomeDay.objects.get(
            kind="wage", resident_id=w.alice_r.pk, day=datetime.date(2026, 4, 2)
        ).village_id
        == w.v2.pk
    )


def test_a_days_build_costs_the_same_queries_however_many_people(
    people: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    w = people
    with CaptureQueriesContext(connection) as few:
        people_facts_build(day=D1)
    for n in range(15):
        user = UserFactory()
        ResidentProfile.objects.create(user=user, name=f"村民{n}", village=w.v1)
        hire(w, user, w.drivers, D1, 3000 + n)
        CertificateFactory(holder=user, course=CourseFactory(), issued_on=D1)
        shop = SellerFactory(owner=user, village=w.v2)
        made = loan(shop, "1000.00", at(D1, 9))
        instalment(made, 1, datetime.date(2026, 2, 1), "1000.00")
        PayoutFactory(seller=shop, amount=Decimal("10.00"), paid_at=at(D1, 17))
    with django_assert_max_num_queries(len(few.captured_queries)):
        written = people_facts_build(day=D1)
    # alice hired, trained and borrowing, and each newcomer the same three ways.
    assert ReachDay.objects.filter(day=D1).count() == 3 + 15 * 3
    assert written > 15 * 3
