"""The registered poor households (建档立卡) of a place: which were reached, how, and what their
members were paid; read from the fact tables and the register (accounts)."""

from decimal import Decimal

from django.db.models import Q, Sum

from xiangcun.accounts.selectors import poor_households
from xiangcun.impact.models import (
    IncomeDay,
    IncomeKind,
)
from xiangcun.impact.selectors._common import (
    HOUSEHOLDS_LIMIT_MAX,
    WAYS,
    ZERO,
    _fetch,
    _reach_union,
    _sum,
    impact_period,
)
from xiangcun.impact.types import (
    HouseholdPage,
    HouseholdRow,
    Scope,
)
from xiangcun.regions.selectors import townships_list, villages_for_township

# --- poor households ----------------------------------------------------------------------------


def impact_households(
    scope: Scope, *, reached: bool | None = None, limit: int = 50, offset: int = 0
) -> HouseholdPage:
    """The registered poor households (建档立卡) of the scope's place, by village, each with the
    ways its members were reached in the period and what they were paid (seller payouts and
    wages). `reached` False lists those not reached in the period: with no dates, since the
    programme started (the list agents work through). No member's ID number is read."""
    limit = max(1, min(int(limit), HOUSEHOLDS_LIMIT_MAX))
    offset = max(0, int(offset))
    households = poor_households(township_id=scope.township_id, village_id=scope.village_id)
    period = impact_period(scope)
    ways: dict[int, set[str]] = {}
    if period is not None and period.date_from <= period.date_to:
        union = _reach_union(
            period.date_from, period.date_to, Scope(), ("household_id", "way"), Q(poor=True)
        )
        if union is not None:
            sql, params = union
            for household_id, way in _fetch(sql, params):
                if household_id is not None:
                    ways.setdefault(int(household_id), set()).add(way)
    if reached is not None:
        households = [h for h in households if (h.id in ways) == reached]
    total = len(households)
    page = households[offset : offset + limit]
    paid: dict[tuple[int, str], Decimal] = {}
    if page and period is not None:
        for row in (
            IncomeDay.objects.filter(
                household_id__in=[h.id for h in page],
                day__range=(period.date_from, period.date_to),
            )
            .order_by()
            .values("household_id", "kind")
            .annotate(total=Sum("amount"))
        ):
            paid[(row["household_id"], row["kind"])] = _sum(row["total"])
    villages: dict[int, tuple[str, str, str]] = {}
    townships = {t.id: t.code for t in townships_list()} if page else {}
    for township_id in sorted({h.township_id for h in page}):
        code = townships.get(township_id)
        if code:
            villages.update(
                (v.id, (v.code, v.name, v.name_en))
                for v in villages_for_township(township_code=code)
            )
    order = {way: index for index, way in enumerate(WAYS)}
    rows = []
    for household in page:
        code, name, name_en = villages.get(household.village_id, ("", "", ""))
        payouts = paid.get((household.id, IncomeKind.PAYOUT), ZERO)
        wages = paid.get((household.id, IncomeKind.WAGE), ZERO)
        rows.append(
            HouseholdRow(
                id=household.id,
                head_name=household.head_name,
                register_number=household.register_number,
                village_id=household.village_id,
                village_code=code,
                village_name=name,
                village_name_en=name_en,
                township_id=household.township_id,
                members=household.members,
                ways=tuple(sorted(ways.get(household.id, ()), key=order.__getitem__)),
                income=payouts + wages,
                payouts=payouts,
                wages=wages,
            )
        )
    return HouseholdPage(rows=rows, total=total, limit=limit, offset=offset)
