"""The jobs part of `xiangcun demo`: three postings (a van driver and packers at the county
warehouse at 3,500 yuan a month, a delivery courier at a village station), a career fair in
the county town offering them, and three people entered at the fair's table. Made through
the services, as the demo recruiter; safe to run again (postings found by title are kept)."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.types import Role
from xiangcun.jobs.models import Fair, Posting
from xiangcun.jobs.services import application_submit, fair_create, posting_create
from xiangcun.jobs.types import JobRole
from xiangcun.regions.selectors import stations_list, townships_list, villages_for_township

_POSTINGS = (
    # title, role, warehouse site?, wage min, wage max, headcount, licence, shifts
    ("县仓库货车司机", JobRole.DRIVER, True, 4500, 5500, 3, "C1", "早班 7:00-15:00"),
    ("县仓库打包工", JobRole.PACKER, True, 3500, 3500, 10, "", "白班 8:00-17:00，周日休息"),
    ("村级快递员", JobRole.COURIER, False, 3200, 4200, 5, "", "每天下午送件"),
)
_PEOPLE = (("王小芳", "13900001001"), ("杨德明", "13900001002"), ("潘秀英", "13900001003"))


def _recruiter() -> Any:
    users = get_user_model()._default_manager
    return users.filter(groups__name=Role.RECRUITER.value).order_by("pk").first()


@transaction.atomic
def jobs_demo_load() -> dict[str, int]:
    """Load the demo postings and fair; how many of each there are afterwards."""
    recruiter = _recruiter()
    stations = stations_list()
    if recruiter is None or not stations:
        return {"postings": 0, "fairs": 0}
    warehouse = next((s for s in stations if s.kind == "warehouse"), stations[0])
    village_station = next((s for s in stations if s.kind == "village_station"), stations[-1])
    today = timezone.localdate()
    postings: list[Posting] = []
    for title, role, at_warehouse, low, high, headcount, licence, shifts in _POSTINGS:
        posting = Posting.objects.filter(title=title).first()
        if posting is None:
            posting = posting_create(
                actor=recruiter,
                title=title,
                role=role,
                station_id=(warehouse if at_warehouse else village_station).id,
                wage_min=low,
                wage_max=high,
                headcount=headcount,
                licence_class=licence,
                shifts=shifts,
                opens_on=today,
                closes_on=today + datetime.timedelta(days=60),
            )
        postings.append(posting)
    township = next(
        (t for t in townships_list() if t.code == warehouse.township_code), townships_list()[0]
    )
    fair = Fair.objects.filter(name="丹寨县春风行动招聘会").first()
    if fair is None:
        fair = fair_create(
            actor=recruiter,
            name="丹寨县春风行动招聘会",
            day=today,
            place="龙泉镇文化广场",
            township_id=township.id,
            posting_ids=[p.pk for p in postings],
        )
        villages = villages_for_township(township_code=township.code)
        for (name, phone), posting in zip(_PEOPLE, postings, strict=True):
            if villages:
                application_submit(
                    actor=recruiter,
                    posting_id=posting.pk,
                    fair_id=fair.pk,
                    name=name,
                    phone=phone,
                    village_id=villages[0].id,
                )
    return {"postings": Posting.objects.count(), "fairs": Fair.objects.count()}
