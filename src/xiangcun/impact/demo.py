"""The impact part of `xiangcun demo`: people the figures can count, then the figures themselves.

The earlier steps made shops with months of sales, loans, certificates, job applicants and an
assisted order for 杨阿婆. Here the demo shops' owners become residents of their shops' villages
(so their sales, loans and certificates reach them), the courier applicant from the career fair
is hired and registered, and the poverty register gets five households: two reached (a shop
owner's, the courier's) and three not yet (the list agents work through). Then the facts are
rebuilt from the first day anything happened, so /impact/ opens with figures.

Safe to run again: households are found by register number, residents by their login, the hire
by the application's status; the rebuild rewrites each day (the same day twice changes nothing).
"""

import datetime
from typing import Any

from django.utils import timezone

from xiangcun.accounts.selectors import poor_households, residents_of_users, user_by_phone
from xiangcun.accounts.services import household_register, resident_register
from xiangcun.jobs.selectors import pipeline_for_posting, postings_all
from xiangcun.jobs.services import application_hire, application_move
from xiangcun.jobs.types import ApplicationStatus, JobRole
from xiangcun.regions.selectors import townships_list, villages_for_township
from xiangcun.sellers.selectors import sellers_list

# The register numbers of the demo's registered poor households (建档立卡), made up.
OWNER_HOUSEHOLD = "DZ-2016-0001"
COURIER_HOUSEHOLD = "DZ-2016-0002"
# Households none of whose members the programme has reached yet: (number, head, member).
QUIET_HOUSEHOLDS = (
    ("DZ-2016-0003", "吴老三", "吴小梅"),
    ("DZ-2016-0004", "潘阿妹", "潘阿妹"),
    ("DZ-2016-0005", "杨金花", "杨金花"),
)
COURIER_PHONE = "13900001003"  # 潘秀英, entered at the career fair (jobs demo)
COURIER_WAGE = 3600
_STAGES = (ApplicationStatus.SCREENED, ApplicationStatus.INTERVIEW, ApplicationStatus.OFFER)


def _households() -> dict[str, Any]:
    return {row.register_number: row for row in poor_households() if row.register_number}


def _household(number: str, *, village_id: int, head_name: str, found: dict[str, Any]) -> Any:
    """The registered poor household with this number, made if it is not there yet."""
    if number in found:
        return None
    return household_register(
        village_id=village_id, head_name=head_name, registered_poor=True, register_number=number
    )


def _owners_resident(made: dict[str, int], found: dict[str, Any]) -> None:
    """Every demo shop's owner becomes a resident of the shop's village; the first one's
    household is on the poverty register."""
    today = timezone.localdate()
    shops = [
        shop
        for shop in sellers_list().select_related("owner")
        if shop.village_id and shop.owner and not shop.owner.is_staff and not shop.owner.is_test
    ]
    residents = residents_of_users(user_ids=[shop.owner_id for shop in shops], on=today)
    seen: set[int] = set()
    for shop in shops:
        if shop.owner_id in residents or shop.owner_id in seen:
            continue
        seen.add(shop.owner_id)
        village_id = shop.village_id or 0  # the list keeps shops with a village only
        name = shop.owner.name or shop.name
        household = None
        if OWNER_HOUSEHOLD not in found:
            household = _household(
                OWNER_HOUSEHOLD, village_id=village_id, head_name=name, found=found
            )
            found[OWNER_HOUSEHOLD] = household
            made["households"] += 1
        resident_register(name=name, village_id=village_id, household=household, user=shop.owner)
        made["residents"] += 1


def _recruiter() -> Any:
    from xiangcun.accounts.types import Role

    for number, role in enumerate(Role, start=1):
        if role == Role.RECRUITER:
            return user_by_phone(phone=f"138{number:08d}")
    return None


def _courier_hired(made: dict[str, int], found: dict[str, Any]) -> None:
    """The courier applicant from the career fair is offered the job and hired; she lives in
    the village she gave and her household is on the register."""
    recruiter = _recruiter()
    if recruiter is None:
        return
    posting = next((p for p in postings_all(user=recruiter) if p.role == JobRole.COURIER), None)
    if posting is None:
        return
    application = next(
        (
            a
            for a in pipeline_for_posting(user=recruiter, posting_id=posting.id)
            if a.phone == COURIER_PHONE
        ),
        None,
    )
    if application is None:
        return
    if application.status != ApplicationStatus.HIRED:
        done = _STAGES.index(application.status) + 1 if application.status in _STAGES else 0
        for stage in _STAGES[done:]:
            interview = timezone.now() + datetime.timedelta(days=1)
            application_move(
                actor=recruiter,
                application_id=application.pk,
                to=stage,
                interview_at=interview if stage == ApplicationStatus.INTERVIEW else None,
            )
        application_hire(
            actor=recruiter,
            application_id=application.pk,
            start_date=timezone.localdate() - datetime.timedelta(days=10),
            monthly_wage=COURIER_WAGE,
        )
        made["hires"] += 1
    courier = user_by_phone(phone=COURIER_PHONE)
    if courier is None:
        return
    if courier.pk in residents_of_users(user_ids=[courier.pk], on=timezone.localdate()):
        return
    household = _household(
        COURIER_HOUSEHOLD,
        village_id=application.village_id,
        head_name=application.name,
        found=found,
    )
    resident_register(
        name=application.name,
        village_id=application.village_id,
        household=household,
        user=courier,
    )
    made["households"] += household is not None
    made["residents"] += 1


def _quiet_households(made: dict[str, int], found: dict[str, Any]) -> None:
    """Households on the register whom nothing has reached yet, in the first township's
    villages, each with a member registered (without a login, as many are)."""
    townships = townships_list()
    villages = villages_for_township(township_code=townships[0].code) if townships else []
    if not villages:
        return
    for index, (number, head, member) in enumerate(QUIET_HOUSEHOLDS):
        village = villages[index % len(villages)]
        household = _household(number, village_id=village.id, head_name=head, found=found)
        if household is None:
            continue
        made["households"] += 1
        resident_register(name=member, village_id=village.id, household=household)
        made["residents"] += 1


def impact_demo_load() -> dict[str, int]:
    """Load the impact demo and rebuild the figures; answers what it made and how many days
    it counted."""
    from xiangcun.impact.services.rebuild import facts_rebuild

    made = {"residents": 0, "households": 0, "hires": 0, "days": 0}
    found = _households()
    _owners_resident(made, found)
    _courier_hired(made, found)
    _quiet_households(made, found)
    made["days"] = facts_rebuild().count
    return made
