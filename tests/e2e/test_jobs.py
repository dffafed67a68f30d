"""Jobs in a real browser at phone size (360 x 740): the recruiter enters 20 applicants on a
career fair's screen with the network cut halfway (the entries queue in the phone and send when
it comes back: 20 applications, none twice, also for a person entered twice and across a
reload), moves one to hired, and that person is a driver on logistics' staff page. The public
jobs page fits the phone."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, user_with_role
from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.jobs.factories import FairFactory, PostingFactory
from tests.regions.factories import StationFactory, TownshipFactory, VillageFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.services import demo_users_ensure
from xiangcun.accounts.types import Role
from xiangcun.jobs.forms import FairEntryForm
from xiangcun.jobs.models import Application, Fair, Posting
from xiangcun.logistics.models import StaffMember
from xiangcun.regions.models import Village
from xiangcun.web.management.commands.demo import DEMO_PASSWORD

APPLICANTS = 20


@dataclass
class FairDay:
    recruiter: User
    warehouse: User
    posting: Posting
    fair: Fair
    villages: list[Village]


@pytest.fixture
def fair_day(transactional_db: Any) -> FairDay:
    """A township with three villages, a driver posting at its station and today's fair."""
    township = TownshipFactory(name="龙泉镇", name_en="Longquan")
    villages = [
        VillageFactory(township=township, name=name) for name in ("高要村", "卡拉村", "龙泉村")
    ]
    station = StationFactory(village=villages[0], name="高要村服务站")
    recruiter = user_with_role(Role.RECRUITER, name="招聘员 潘")
    posting = PostingFactory(title="货车司机", station=station, headcount=5, created_by=recruiter)
    fair = FairFactory(
        name="龙泉镇招聘会", township=township, postings=[posting], created_by=recruiter
    )
    warehouse = user_with_role(Role.WAREHOUSE, name="仓库 杨")
    return FairDay(recruiter, warehouse, posting, fair, villages)


def person(number: int) -> tuple[str, str]:
    return f"应聘者{number:02d}", f"1370000{number:04d}"


def enter(page: Any, day: FairDay, name: str, phone: str, village: Village) -> None:
    form = page.locator('[data-testid="fair-entry"]')
    form.locator('select[name="posting"]').select_option(str(day.posting.pk))
    form.locator('input[name="name"]').fill(name)
    form.locator('input[name="phone"]').fill(phone)
    form.locator('select[name="village"]').select_option(str(village.pk))
    form.locator('input[name="licence_class"]').fill("C1")
    form.locator('button[type="submit"]').click()
    # Taken: the form is empty again for the next person.
    expect(form.locator('input[name="name"]')).to_have_value("")


def status(page: Any, day: FairDay) -> Any:
    return page.locator(f'[data-offline-queue-status="fair-{day.fair.pk}"]')


def waiting(page: Any, day: FairDay, count: int) -> None:
    box = status(page, day)
    template = box.get_attribute("data-text-waiting")
    expect(box).to_contain_text(template.replace("{count}", str(count)))


def all_sent(page: Any, day: FairDay, timeout: int = 10_000) -> None:
    box = status(page, day)
    expect(box.locator('[data-offline-queue-line="state"]')).to_have_text(
        box.get_attribute("data-text-sent"), timeout=timeout
    )


def applications(day: FairDay) -> Any:
    return Application.objects.filter(fair=day.fair)


def test_fair_entries_survive_a_cut_network_and_a_hire_joins_logistics(
    phone_page: Any, live_server: Any, fair_day: FairDay
) -> None:
    page, base, day = phone_page, live_server.url, fair_day
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, base, day.recruiter.phone, PASSWORD)
    page.locator('.site-nav [data-nav="jobs"]').click()
    page.locator(f'a[href="/jobs/work/fairs/{day.fair.pk}/"]').click()
    expect(page.locator("main h1")).to_have_text(day.fair.name)
    fits_the_phone(page)

    # The first ten go straight through.
    for number in range(1, 11):
        enter(page, day, *person(number), day.villages[number % 3])
    all_sent(page, day)
    assert applications(day).count() == 10

    # The network goes: the next ten wait in the phone, and the form keeps taking people.
    page.context.set_offline(True)
    for number in range(11, 21):
        enter(page, day, *person(number), day.villages[number % 3])
    # Someone who came twice (entered again, with a new entry key).
    enter(page, day, "应聘者03", person(3)[1], day.villages[0])
    waiting(page, day, 11)
    page.screenshot(path=SCREENSHOT_DIR / "jobs-fair-offline-360.png", full_page=True)
    assert applications(day).count() == 10

    # Still no way through to the server, but the page itself reloads: the queue is still there.
    entries = f"**/jobs/work/fairs/{day.fair.pk}/entries/"
    page.route(entries, lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    page.reload()
    waiting(page, day, 11)
    assert applications(day).count() == 10

    # The line comes back: everything is sent (on the 5 s retry), once.
    page.unroute(entries)
    all_sent(page, day, timeout=12_000)
    expect(status(page, day)).to_contain_text(
        status(page, day).get_attribute("data-text-duplicate").replace("{entry}", "应聘者03")
    )
    assert applications(day).count() == APPLICANTS
    assert applications(day).values("phone").distinct().count() == APPLICANTS
    assert set(applications(day).values_list("name", flat=True)) == {
        person(number)[0] for number in range(1, APPLICANTS + 1)
    }
    page.reload()
    expect(page.locator('[data-testid="fair-report"]')).to_contain_text(str(APPLICANTS))
    fits_the_phone(page)
    assert not [text for text in console if "Content Security Policy" in text]

    # One of them is hired, step by step, from the job's pipeline.
    hired_name, hired_phone = person(7)
    page.goto(f"{base}/jobs/work/postings/{day.posting.pk}/")
    page.locator('[data-testid="pipeline"] a', has_text=hired_name).click()
    move_to(page, "screened")
    interview = timezone.localtime() + datetime.timedelta(days=2)
    move_to(page, "interview", interview_at=interview.strftime("%Y-%m-%dT10:00"))
    move_to(page, "offer")
    hire = page.locator("main form").filter(has=page.locator('input[value="hire"]'))
    hire.locator('input[name="start_date"]').fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    hire.locator('button[type="submit"]').click()
    expect(page.locator('[data-testid="application-status"]')).to_have_text("已录用")
    fits_the_phone(page)

    # The new driver is on logistics' staff, at the posting's station.
    log_in(page, base, day.warehouse.phone, PASSWORD)
    page.goto(f"{base}/logistics/staff/")
    member = page.locator('[data-testid="staff-member"]', has_text=hired_name)
    expect(member).to_contain_text("司机")
    expect(member).to_contain_text("高要村服务站")
    staff = StaffMember.objects.get(user__phone=hired_phone)
    assert (staff.job, staff.station_id, staff.is_active) == (
        "driver",
        day.posting.station_id,
        True,
    )


def move_to(page: Any, step: str, *, interview_at: str = "") -> None:
    """Move the open application one step; its history grows by one line."""
    form = page.locator("main form").filter(has=page.locator('input[value="move"]'))
    expect(form).to_be_visible()  # the application's page, not the one before it
    events = page.locator(".timeline .timeline-event")
    expect(events.first).to_be_visible()
    before = events.count()
    form.locator('select[name="to"]').select_option(step)
    if interview_at:
        form.locator('input[name="interview_at"]').fill(interview_at)
    form.locator('button[type="submit"]').click()
    expect(events).to_have_count(before + 1)


def test_public_jobs_page_fits_a_phone_and_filters_by_link(
    phone_page: Any, live_server: Any, fair_day: FairDay
) -> None:
    page, base, day = phone_page, live_server.url, fair_day
    township = day.posting.township.code
    # A shared link to drivers' jobs in the township, opened by someone not logged in.
    page.goto(f"{base}/jobs/?township={township}&role=driver")
    jobs = page.locator('[data-testid="jobs-list"] li')
    expect(jobs).to_have_count(1)
    expect(jobs).to_contain_text(day.posting.title)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "jobs-public-360.png", full_page=True)
    jobs.locator("a").click()
    expect(page.locator("main h1")).to_contain_text(day.posting.title)
    fits_the_phone(page)
    page.goto(f"{base}/jobs/?township={township}&role=packer")
    expect(page.locator('[data-testid="jobs-list"]')).to_have_count(0)
    expect(page.locator("main .empty")).to_be_visible()


def test_in_the_demo_the_recruiter_opens_the_fair_and_enters_walk_ins(
    phone_page: Any, live_server: Any, transactional_db: Any, settings: Any
) -> None:
    """The demo as loaded by `xiangcun demo`: its recruiter login, its fair and postings; a
    person the demo already entered at the fair is entered again and stays one application."""
    settings.DEBUG = True
    call_command("demo", "--quiet")
    recruiter = next(u for u in demo_users_ensure(password=DEMO_PASSWORD) if u.role == "recruiter")
    fair = Fair.objects.get()
    posting = fair.postings.order_by("pk").first()
    assert posting is not None
    before = Application.objects.filter(fair=fair).count()
    known = Application.objects.filter(fair=fair, posting=posting).first()
    assert known is not None
    page, base = phone_page, live_server.url

    log_in(page, base, recruiter.phone, DEMO_PASSWORD)
    page.locator('.site-nav [data-nav="jobs"]').click()
    page.locator(f'a[href="/jobs/work/fairs/{fair.pk}/"]').click()
    form = page.locator('[data-testid="fair-entry"]')
    box = page.locator(f'[data-offline-queue-status="fair-{fair.pk}"]')
    village = known.village_id
    for name, phone in (("韦小兰", "13711110001"), (known.name, known.phone)):
        form.locator('select[name="posting"]').select_option(str(posting.pk))
        form.locator('input[name="name"]').fill(name)
        form.locator('input[name="phone"]').fill(phone)
        form.locator('select[name="village"]').select_option(str(village))
        form.locator('button[type="submit"]').click()
        expect(form.locator('input[name="name"]')).to_have_value("")
    expect(box.locator('[data-offline-queue-line="state"]')).to_have_text(
        box.get_attribute("data-text-sent")
    )
    expect(box).to_contain_text(
        box.get_attribute("data-text-duplicate").replace("{entry}", known.name)
    )
    assert Application.objects.filter(fair=fair).count() == before + 1

    # An entry the server refuses (no job chosen) leaves the queue, listed with the reason.
    form.locator('input[name="name"]').fill("没选岗位")
    form.locator('input[name="phone"]').fill("13711110002")
    form.locator('button[type="submit"]').click()
    with translation.override("zh-hans"):
        reason = str(FairEntryForm.base_fields["posting"].error_messages["required"])
    expect(box.locator(".message-error")).to_have_text(
        box.get_attribute("data-text-refused")
        .replace("{entry}", "没选岗位")
        .replace("{message}", reason)
    )
    expect(box.locator('[data-offline-queue-line="state"]')).to_have_text(
        box.get_attribute("data-text-sent")
    )
    assert Application.objects.filter(fair=fair).count() == before + 1
    fits_the_phone(page)
