"""Training in a real browser at phone size (360 x 740): a farmer with a shop is refused fresh
food in the seller console, follows the link to the food-safety traceability course (the
demo's real one), reads its lessons, passes the quiz, downloads the certificate (a PDF), opens
its public check page (valid, the name masked) and only then lists fresh food; a trainer ticks
people present on the attendance sheet with the network cut, and nobody is counted twice."""

import base64
import re
import zlib
from typing import Any

import pytest
import segno
from django.utils import translation
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, UserFactory, user_with_role
from tests.e2e.phone import SCREENSHOT_DIR, fits_the_phone, log_in
from tests.storefront.market import Market, market_build
from tests.training.factories import SessionFactory
from xiangcun.accounts.types import Role
from xiangcun.catalog.errors import TrainingRequiredError
from xiangcun.catalog.models import Product
from xiangcun.training.demo import training_demo_load
from xiangcun.training.models import Certificate, Course, Option, Registration
from xiangcun.training.types import FOOD_SAFETY_COURSE_SLUG

FRESH = "高山鲜鸡蛋"


@pytest.fixture
def market(transactional_db: Any) -> Market:
    built = market_build()
    training_demo_load()
    return built


def pdf_qr_modules(pdf: bytes, modules: int) -> list[list[bool]]:
    """The QR image a certificate PDF embeds (reportlab: RGB, ASCII85 then Flate), read back as
    `modules` x `modules` dark/light cells, each sampled at its centre."""
    found = re.search(
        rb"<<((?:(?!>>).)*/Subtype /Image(?:(?!>>).)*)>>\s*stream\r?\n(.*?)endstream", pdf, re.S
    )
    assert found is not None, "no image in the PDF"
    head, stream = found.groups()
    assert b"/DeviceRGB" in head
    assert b"/ASCII85Decode /FlateDecode" in head
    size = re.search(rb"/Width (\d+)", head)
    assert size is not None
    width = int(size.group(1))
    pixels = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
    cell = width // modules
    assert cell * modules == width

    def dark(row: int, column: int) -> bool:
        x, y = column * cell + cell // 2, row * cell + cell // 2
        return pixels[(y * width + x) * 3] < 128

    return [[dark(row, column) for column in range(modules)] for row in range(modules)]


def qr_modules(text: str) -> list[list[bool]]:
    """The cells of the QR the certificate should carry for `text` (with its 1-cell border)."""
    rows = segno.make(text, error="m").matrix_iter(scale=1, border=1)
    return [[bool(value) for value in row] for row in rows]


def fresh_product_try(page: Any, base: str, market: Market) -> None:
    page.goto(f"{base}/console/products/new/")
    page.locator('input[name="name"]').fill(FRESH)
    page.locator('select[name="category"]').select_option(str(market.farm.pk))
    page.locator('select[name="origin_village"]').select_option(str(market.village.pk))
    page.locator('textarea[name="description"]').fill("林下散养的土鸡蛋，三天内送到。")
    page.locator('input[name="is_fresh"]').check()
    page.locator("main form button[type=submit]").click()


def test_a_farmer_lists_fresh_food_only_after_the_food_safety_course(
    phone_page: Any, live_server: Any, market: Market
) -> None:
    page, base = phone_page, live_server.url
    course = Course.objects.get(slug=FOOD_SAFETY_COURSE_SLUG)
    log_in(page, base, market.farmer.phone, PASSWORD)

    # Before the course: refused, with the reason and a link to the course.
    fresh_product_try(page, base, market)
    with translation.override("zh-hans"):
        refusal = str(TrainingRequiredError.default_message)
    expect(page.locator("main")).to_contain_text(refusal)
    assert not Product.objects.filter(name=FRESH).exists()
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "training-fresh-refused-360.png", full_page=True)

    # The course: every lesson read, in order, from the first.
    page.locator('main a[href="/training/courses/food-safety/"]').click()
    expect(page.locator("main h1")).to_have_text(course.title)
    lessons = list(course.lessons.order_by("position"))
    assert len(lessons) >= 2
    page.locator(f'main a[href="/training/lessons/{lessons[0].pk}/"]').click()
    for lesson in lessons:
        expect(page.locator("main h1")).to_have_text(lesson.title)
        expect(page.locator("main .prose p").first).to_be_visible()
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_have_text(course.title)
    fits_the_phone(page)

    # The quiz: the questions come shuffled; the right option of each is chosen.
    page.locator(f'form[action="/training/courses/{course.pk}/quiz/"] button').click()
    questions = page.locator("main form fieldset")
    expect(questions).to_have_count(course.questions.count())
    for option in Option.objects.filter(question__course=course, is_correct=True):
        page.locator(f'input[name="q{option.question_id}"][value="{option.pk}"]').check()
    fits_the_phone(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator('main [role="status"]')).to_contain_text("100%")
    page.locator('main a[href="/training/certificates/"]').click()

    # The certificate: a PDF for its holder, and a public check page (the QR's address).
    certificate = Certificate.objects.get(holder=market.farmer, course=course)
    pdf_link = page.locator(f'a[href="/training/certificates/{certificate.code}/pdf"]')
    expect(pdf_link).to_be_visible()
    pdf = page.context.request.get(f"{base}{pdf_link.get_attribute('href')}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    # Its QR holds the address of the public check page, which the phone then opens.
    check_url = f"{base}/training/certificates/{certificate.code}"
    expected = qr_modules(check_url)
    assert pdf_qr_modules(pdf.body(), len(expected)) == expected
    assert page.locator(f'a[href="/training/certificates/{certificate.code}"]').is_visible()
    page.context.clear_cookies()  # anyone may check: not logged in
    page.goto(check_url)
    expect(page.locator('main [role="status"]')).to_be_visible()
    facts = page.locator("main .facts")
    expect(facts).to_contain_text(course.title)
    expect(facts).to_contain_text(certificate.code)
    expect(facts).not_to_contain_text(market.farmer.name)
    fits_the_phone(page)
    page.screenshot(path=SCREENSHOT_DIR / "training-certificate-check-360.png", full_page=True)

    # Now the fresh food goes in.
    log_in(page, base, market.farmer.phone, PASSWORD)
    fresh_product_try(page, base, market)
    expect(page).not_to_have_url(f"{base}/console/products/new/")  # on to its price
    expect(page.locator("main")).not_to_contain_text(refusal)
    product = Product.objects.get(name=FRESH)
    assert product.is_fresh
    assert product.seller_id == market.honey_shop.pk


def test_the_check_page_says_plainly_when_a_code_is_unknown(
    phone_page: Any, live_server: Any, transactional_db: Any
) -> None:
    response = phone_page.goto(f"{live_server.url}/training/certificates/NOSUCHCODE")
    assert response.status == 404
    expect(phone_page.locator('main [role="alert"]')).to_contain_text("NOSUCHCODE")
    fits_the_phone(phone_page)


def test_attendance_sheet_taken_offline_counts_each_person_once(
    phone_page: Any, live_server: Any, transactional_db: Any
) -> None:
    page, base = phone_page, live_server.url
    trainer = user_with_role(Role.TRAINER, name="培训师 吴")
    session = SessionFactory(trainer=trainer, capacity=10)
    registered = [UserFactory(name=f"学员{n}") for n in range(3)]
    for person in registered:
        Registration.objects.create(
            session=session, learner=person, phone=person.phone, name=person.name
        )
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, base, trainer.phone, PASSWORD)
    page.goto(f"{base}/training/trainer/sessions/{session.pk}/")
    form = page.locator(f'form[data-offline-queue="session-{session.pk}"]')
    box = page.locator(f'[data-offline-queue-status="session-{session.pk}"]')

    def tick(phone: str, name: str = "") -> None:
        form.locator('input[name="phone"]').fill(phone)
        form.locator('input[name="name"]').fill(name)
        form.locator("button[type=submit]").click()
        expect(form.locator('input[name="phone"]')).to_have_value("")

    tick(registered[0].phone)
    expect(box.locator('[data-offline-queue-line="state"]')).to_have_text(
        box.get_attribute("data-text-sent")
    )

    page.context.set_offline(True)
    tick(registered[1].phone)
    tick("13711112222", "现场来的 陈")  # a walk-in
    tick(registered[0].phone)  # ticked again by mistake
    tick(registered[1].phone)  # and again
    expect(box).to_contain_text(box.get_attribute("data-text-waiting").replace("{count}", "4"))
    assert Registration.objects.filter(session=session, attended=True).count() == 1
    page.screenshot(path=SCREENSHOT_DIR / "training-sheet-offline-360.png", full_page=True)

    page.context.set_offline(False)
    expect(box.locator('[data-offline-queue-line="state"]')).to_have_text(
        box.get_attribute("data-text-sent")
    )
    present = Registration.objects.filter(session=session, attended=True)
    assert present.count() == 3
    assert present.values("phone").distinct().count() == 3
    assert Registration.objects.filter(session=session).count() == 4  # 3 registered + walk-in
    page.reload()
    expect(page.locator("main table tbody tr")).to_have_count(4)
    expect(page.locator("main h2").first).to_contain_text("3")
    fits_the_phone(page)
    assert not [text for text in console if "Content Security Policy" in text]
