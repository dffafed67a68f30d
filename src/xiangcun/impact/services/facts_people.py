"""The day's facts about people (docs/impact-metrics.md): hires (JobsDay), training completions
(TrainingDay), loans (LoansDay), income paid to residents (IncomeDay: seller payouts and wages)
and the residents reached by being hired, trained or lending (ReachDay ways employed, trained,
borrowed).

`people_facts_build` deletes one day's rows of these and writes them again from the jobs,
training and finance selectors, so building a day twice changes nothing. It reads in bulk (a
handful of queries however many hires and loans) and writes with bulk_create. Residents are
placed where they lived that day (accounts.selectors.residents_of_users); test accounts, staff
and superusers are left out everywhere.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.selectors import (
    counted_user_ids,
    resident_moves_since,
    residents_of_users,
)
from xiangcun.accounts.types import ResidentAt
from xiangcun.finance.selectors import (
    finance_changes,
    finance_first_day,
    loans_disbursed_on,
    loans_open_at,
    payouts_paid_on,
)
from xiangcun.finance.types import LoanFact, LoanPosition, PayoutFact
from xiangcun.impact.models import (
    IncomeDay,
    IncomeKind,
    JobsDay,
    LoansDay,
    ReachDay,
    TrainingDay,
    Way,
)
from xiangcun.jobs.selectors import (
    employment_changes,
    employments_first_day,
    employments_started_by,
)
from xiangcun.jobs.types import EmploymentFact
from xiangcun.training.selectors import (
    certificate_days_changed,
    certificates_first_day,
    certificates_issued_on,
)
from xiangcun.training.types import CertificateFact

PEOPLE_WAYS = (Way.EMPLOYED, Way.TRAINED, Way.BORROWED)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_CHUNK = 900  # ids per IN (...) list: under SQLite's variable limit with room to spare
_BATCH = 2000


def wage_of_day(*, monthly_wage: int | Decimal, day: datetime.date) -> Decimal:
    """One day's share of a monthly wage: the wage over the month's days, rounded down to the
    fen, and on the month's last day what is left, so a whole month adds exactly the wage."""
    wage = Decimal(monthly_wage).quantize(CENT)
    days = calendar.monthrange(day.year, day.month)[1]
    daily = (wage / days).quantize(CENT, rounding=ROUND_DOWN)
    return wage - daily * (days - 1) if day.day == days else daily


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + _CHUNK] for i in range(0, len(ordered), _CHUNK)]


def _counted(user_ids: Iterable[int]) -> set[int]:
    counted: set[int] = set()
    for chunk in _chunks(user_ids):
        counted |= counted_user_ids(user_ids=chunk)
    return counted


def _residents(user_ids: Iterable[int], day: datetime.date) -> dict[int, ResidentAt]:
    found: dict[int, ResidentAt] = {}
    for chunk in _chunks(user_ids):
        found.update(residents_of_users(user_ids=chunk, on=day))
    return found


def _delete_day(day: datetime.date) -> None:
    ReachDay.objects.filter(day=day, way__in=PEOPLE_WAYS).delete()
    for model in (JobsDay, TrainingDay, LoansDay, IncomeDay):
        model.objects.filter(day=day).delete()


class _Reach:
    """The day's ReachDay rows of the people ways: one per resident and way."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.rows: dict[tuple[str, int], ReachDay] = {}

    def add(self, way: str, resident: ResidentAt) -> None:
        self.rows.setdefault(
            (way, resident.resident_id),
            ReachDay(
                day=self.day,
                way=way,
                resident_id=resident.resident_id,
                township_id=resident.township_id,
                village_id=resident.village_id,
                household_id=resident.household_id,
                poor=resident.poor,
            ),
        )


def _jobs(
    day: datetime.date,
    employments: list[EmploymentFact],
    counted: set[int],
    residents: dict[int, ResidentAt],
    reach: _Reach,
) -> tuple[list[JobsDay], list[IncomeDay]]:
    """Hires of the day by the posting's role and township; a wage row for each resident at
    work that day (all their jobs together), placed where they lived."""
    hires: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    wages: dict[int, Decimal] = defaultdict(lambda: ZERO)
    earners: dict[int, ResidentAt] = {}
    for job in employments:
        if job.user_id not in counted:
            continue
        resident = residents.get(job.user_id)
        if job.start_date == day:
            tally = hires[(job.role, job.township_id)]
            tally[0] += 1
            if resident is not None:
                tally[1] += 1
                reach.add(Way.EMPLOYED, resident)
        if resident is not None:
            wages[resident.resident_id] += wage_of_day(monthly_wage=job.monthly_wage, day=day)
            earners[resident.resident_id] = resident
    jobs_rows = [
        JobsDay(day=day, role=role, township_id=township_id, hires=n, residents=local)
        for (role, township_id), (n, local) in sorted(hires.items())
    ]
    wage_rows = [
        IncomeDay(
            day=day,
            kind=IncomeKind.WAGE,
            resident_id=resident_id,
            household_id=earners[resident_id].household_id,
            poor=earners[resident_id].poor,
            township_id=earners[resident_id].township_id,
            village_id=earners[resident_id].village_id,
            amount=amount,
        )
        for resident_id, amount in sorted(wages.items())
    ]
    return jobs_rows, wage_rows


def _training(
    day: datetime.date,
    certificates: list[CertificateFact],
    counted: set[int],
    residents: dict[int, ResidentAt],
    reach: _Reach,
) -> list[TrainingDay]:
    """Completions by the holder's place (blank for holders who are not residents) and area."""
    completions: dict[tuple[int | None, int | None, str], int] = defaultdict(int)
    for certificate in certificates:
        if certificate.holder_id not in counted:
            continue
        resident = residents.get(certificate.holder_id)
        if resident is None:
            completions[(None, None, certificate.area)] += 1
            continue
        reach.add(Way.TRAINED, resident)
        completions[(resident.township_id, resident.village_id, certificate.area)] += 1
    return [
        TrainingDay(day=day, township_id=twp, village_id=vil, area=area, completions=n)
        for (twp, vil, area), n in completions.items()
    ]


def _loans(
    day: datetime.date,
    disbursed: list[LoanFact],
    open_loans: list[LoanPosition],
    counted: set[int],
    residents: dict[int, ResidentAt],
    reach: _Reach,
) -> list[LoansDay]:
    """Loans disbursed that day, and outstanding and at risk at its end, by the shop's
    township; the owners of shops whose loan was disbursed are reached (borrowed)."""
    rows: dict[int | None, LoansDay] = {}

    def row(township_id: int | None) -> LoansDay:
        if township_id not in rows:
            rows[township_id] = LoansDay(
                day=day,
                township_id=township_id,
                disbursed_amount=ZERO,
                outstanding_amount=ZERO,
                at_risk_amount=ZERO,
            )
        return rows[township_id]

    for loan in disbursed:
        if loan.owner_id not in counted:
            continue
        target = row(loan.township_id)
        target.disbursed_count += 1
        target.disbursed_amount += loan.principal
        resident = residents.get(loan.owner_id)
        if resident is not None:
            reach.add(Way.BORROWED, resident)
    for position in open_loans:
        if position.owner_id not in counted:
            continue
        target = row(position.township_id)
        target.outstanding_count += 1
        target.outstanding_amount += position.outstanding
        if position.at_risk:
            target.at_risk_amount += position.outstanding
    return list(rows.values())


def _payouts(
    day: datetime.date,
    payouts: list[PayoutFact],
    counted: set[int],
    residents: dict[int, ResidentAt],
) -> list[IncomeDay]:
    """Payouts to local shops, placed at the shop, with the owner's household when the owner
    is a resident."""
    rows = []
    for payout in payouts:
        if payout.owner_id not in counted:
            continue
        owner = residents.get(payout.owner_id)
        rows.append(
            IncomeDay(
                day=day,
                kind=IncomeKind.PAYOUT,
                seller_id=payout.seller_id,
                resident_id=owner.resident_id if owner else None,
                household_id=owner.household_id if owner else None,
                poor=owner.poor if owner else False,
                township_id=payout.township_id,
                village_id=payout.village_id,
                amount=payout.amount,
            )
        )
    return rows


@transaction.atomic
def people_facts_build(*, day: datetime.date) -> int:
    """Rewrite `day`'s JobsDay, TrainingDay, LoansDay and IncomeDay rows and its ReachDay rows of
    ways employed, trained and borrowed; returns how many rows were written."""
    _delete_day(day)

    employments = employments_started_by(day=day)
    certificates = certificates_issued_on(day=day)
    disbursed = loans_disbursed_on(day=day)
    open_loans = loans_open_at(day=day)
    payouts = payouts_paid_on(day=day)

    counted = _counted(
        [row.user_id for row in employments]
        + [row.holder_id for row in certificates]
        + [row.owner_id for row in disbursed]
        + [row.owner_id for row in open_loans]
        + [row.owner_id for row in payouts]
    )
    people = (
        [row.user_id for row in employments]
        + [row.holder_id for row in certificates]
        + [row.owner_id for row in disbursed]
        + [row.owner_id for row in payouts]
    )
    residents = _residents([user_id for user_id in people if user_id in counted], day)

    reach = _Reach(day)
    jobs_rows, wage_rows = _jobs(day, employments, counted, residents, reach)
    training_rows = _training(day, certificates, counted, residents, reach)
    loans_rows = _loans(day, disbursed, open_loans, counted, residents, reach)
    income_rows = _payouts(day, payouts, counted, residents) + wage_rows
    reach_rows = list(reach.rows.values())

    JobsDay.objects.bulk_create(jobs_rows, batch_size=_BATCH)
    TrainingDay.objects.bulk_create(training_rows, batch_size=_BATCH)
    LoansDay.objects.bulk_create(loans_rows, batch_size=_BATCH)
    IncomeDay.objects.bulk_create(income_rows, batch_size=_BATCH)
    ReachDay.objects.bulk_create(reach_rows, batch_size=_BATCH)
    return (
        len(jobs_rows) + len(training_rows) + len(loans_rows) + len(income_rows) + len(reach_rows)
    )


def _days_from(first: datetime.date | None, last: datetime.date) -> set[datetime.date]:
    if first is None or first > last:
        return set()
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


def people_days_changed(*, since: datetime.datetime) -> set[datetime.date]:
    """The days, up to today, whose people facts may differ from what was built because a source
    record changed since `since`: hires (their start day, and wages from it on), certificates
    (issued or revoked), payouts, loans and repayments (balances from their day on), and
    residents' moves (the days from the move on that counted the resident somewhere)."""
    today = timezone.localdate()
    jobs = employment_changes(since=since)
    days = set(jobs.hire_days) | _days_from(jobs.wages_from, today)
    days |= certificate_days_changed(since=since)
    money = finance_changes(since=since)
    days |= set(money.days) | _days_from(money.balances_from, today)

    moves = resident_moves_since(since=since)
    if moves:
        moved_from: dict[int, datetime.date] = {}
        for resident_id, moved_on in moves:
            moved_from[resident_id] = min(moved_on, moved_from.get(resident_id, moved_on))
        first = min(moved_from.values())
        for chunk in _chunks(moved_from):
            found = set(
                ReachDay.objects.filter(resident_id__in=chunk, day__gte=first).values_list(
                    "resident_id", "day"
                )
            )
            for earner_id, day in IncomeDay.objects.filter(
                resident_id__in=chunk, day__gte=first
            ).values_list("resident_id", "day"):
                if earner_id is not None:
                    found.add((earner_id, day))
            days |= {day for resident_id, day in found if day >= moved_from[resident_id]}
    return {day for day in days if day <= today}


def people_first_day() -> datetime.date | None:
    """The first day anything counted here happened: a hire, a certificate, a disbursement or a
    payout (None when nothing has)."""
    days = [
        day
        for day in (employments_first_day(), certificates_first_day(), finance_first_day())
        if day is not None
    ]
    return min(days) if days else None
