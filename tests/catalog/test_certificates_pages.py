"""The certificate pages: a shop sends in a certificate naming some of its products from the
console; staff who check certificates accept or refuse it from their queue."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory, user_with_role
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.catalog import selectors
from xiangcun.catalog.models import Certification, Product
from xiangcun.sellers.models import Seller

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send_in(client: Client, product_ids: list[int], **changes: str) -> object:
    data: dict[str, object] = {
        "kind": "organic",
        "certificate_number": "OR-2026-7",
        "issuer": "有机认证中心",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "product_ids": [str(pk) for pk in product_ids],
    }
    data.update(changes)
    return client.post(reverse("console:certificates"), data, **EN)


def test_a_shop_sends_in_a_certificate_and_staff_accept_it(
    make_product: Callable[..., Product], shop: Seller
) -> None:
    honey = make_product(name="土蜂蜜", listed=True)
    comb = make_product(name="蜂巢蜜", listed=True)
    owner = logged_in(shop.owner)
    form = owner.get(reverse("console:certificates"), **ZH).content.decode()
    assert "提交证书" in form
    assert "蜂巢蜜" in form
    sent = send_in(owner, [honey.pk])
    assert sent.status_code == 302  # type: ignore[attr-defined]
    cert = Certification.objects.get()
    assert cert.seller_id == shop.pk
    assert list(cert.products.values_list("pk", flat=True)) == [honey.pk]
    assert (
        "Waiting for checking" in owner.get(reverse("console:certificates"), **EN).content.decode()
    )

    checker = logged_in(user_with_role(Role.BRAND_MANAGER))
    queue = checker.get(reverse("console:certificate_queue"), **EN).content.decode()
    review_url = reverse("console:certificate_review", kwargs={"certification_id": cert.pk})
    assert review_url in queue
    review = checker.get(review_url, **EN).content.decode()
    assert "土蜂蜜" in review
    assert "蜂巢蜜" not in review
    done = checker.post(review_url, {"decision": "approve", "note": ""}, **EN)
    assert done.status_code == 302
    cert.refresh_from_db()
    assert cert.status == Certification.Status.VERIFIED
    product = selectors.product_get(product_id=honey.pk)
    assert selectors.product_certifications(product)
    page = Client().get(reverse("shop:product", kwargs={"product_id": comb.pk}), **EN)
    assert "Certificates" not in page.content.decode()  # the comb is not named


def test_a_refusal_without_a_note_is_shown_next_to_the_note(
    make_product: Callable[..., Product], shop: Seller
) -> None:
    honey = make_product(name="土蜂蜜", listed=True)
    send_in(logged_in(shop.owner), [honey.pk])
    cert = Certification.objects.get()
    checker = logged_in(user_with_role(Role.PROGRAMME_MANAGER))
    review_url = reverse("console:certificate_review", kwargs={"certification_id": cert.pk})
    refused = checker.post(review_url, {"decision": "reject", "note": ""}, **EN)
    assert refused.status_code == 200
    assert "field-error" in refused.content.decode()
    cert.refresh_from_db()
    assert cert.status == Certification.Status.PENDING


def test_the_form_keeps_what_was_typed_and_refuses_another_shops_product(
    make_product: Callable[..., Product], shop: Seller, other_shop: Seller
) -> None:
    theirs = make_product(name="别家蜂蜜", seller=other_shop)
    owner = logged_in(shop.owner)
    make_product(name="土蜂蜜")
    page = send_in(owner, [theirs.pk], certificate_number="KEEP-ME")
    assert page.status_code == 200  # type: ignore[attr-defined]
    body = page.content.decode()  # type: ignore[attr-defined]
    assert "KEEP-ME" in body
    assert "field-error" in body
    page = send_in(owner, [], valid_from="not a date")
    assert page.status_code == 200  # type: ignore[attr-defined]
    assert not Certification.objects.exists()


def test_only_checkers_reach_the_queue_and_unknown_certificates_are_404(db: None) -> None:
    assert logged_in(UserFactory()).get(reverse("console:certificate_queue")).status_code == 403
    assert Client().get(reverse("console:certificate_queue")).status_code == 302
    checker = logged_in(user_with_role(Role.BRAND_MANAGER))
    empty = checker.get(reverse("console:certificate_queue"), **EN).content.decode()
    assert "Nothing is waiting." in empty
    missing = reverse("console:certificate_review", kwargs={"certification_id": 999999})
    assert checker.get(missing).status_code == 404
