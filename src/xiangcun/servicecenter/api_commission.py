"""Service-centre API: agents' commission (/api/v1/servicecenter/commission).

An agent sees their own commission: accrued (assisted sales once completed, parcels handed
over, job applicants registered), reversed (refunded orders), paid, the balance still owed and
the lines; the staff above the agents and finance staff may name an agent. Amounts are strings
in yuan with two decimals. Errors answer `{"code", "message"}`: not_an_agent 403,
agent_not_found 404.
"""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id
from xiangcun.servicecenter.selectors.commission import commission_for

router = Router(auth=ApiTokenAuth())

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class CommissionLineOut(Schema):
    id: int
    kind: str = Field(description="accrual, reversal or payout.")
    kind_label: str
    source: str = Field(description='What earned it: "order:42", "parcel:7", "applicant:3".')
    source_label: str
    base: str | None = Field(description="The assisted sales it was reckoned on, if any.")
    amount: str = Field(description="Positive when earned, negative when reversed or paid.")
    at: datetime.datetime


class CommissionOut(Schema):
    agent: int
    accrued: str
    reversed: str
    paid: str
    balance: str = Field(description="Owed to the agent now: accrued - reversed - paid.")
    rules: list[str]
    lines: list[CommissionLineOut]


class CommissionIn(Schema):
    agent: Id | None = Field(None, description="Staff name an agent; agents see their own.")
    limit: Annotated[int, Field(ge=1, le=500)] = 100


@router.get(
    "/commission",
    response={200: CommissionOut, **ERRORS},
    summary="Your accrued commission and its lines",
)
def commission_detail(request: HttpRequest, query: Query[CommissionIn]) -> CommissionOut:
    view = commission_for(actor=api_user(request), agent_id=query.agent, limit=query.limit)
    return CommissionOut(
        agent=view.agent_id,
        accrued=f"{view.accrued:.2f}",
        reversed=f"{view.reversed:.2f}",
        paid=f"{view.paid:.2f}",
        balance=f"{view.balance:.2f}",
        rules=list(view.rules),
        lines=[
            CommissionLineOut(
                id=line.id,
                kind=line.kind,
                kind_label=line.kind_label,
                source=line.source,
                source_label=line.source_label,
                base=None if line.base is None else f"{line.base:.2f}",
                amount=f"{line.amount:.2f}",
                at=line.at,
            )
            for line in view.lines
        ],
    )
