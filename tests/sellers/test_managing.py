"""Who may manage a shop, and the writes a manager makes: details, photos, household links."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.accounts.factories import UserFactory
from tests.regions.factories import VillageFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import Household, User
from xiangcun.sellers import selectors, services
from xiangcun.sellers.errors import (
    HouseholdLinkExistsError,
    HouseholdNotRegisteredPoorError,
    InvalidImageError,
    InvalidSellerFieldError,
    SellerPermissionDeniedError,
)
from xiangcun.sellers.models import PoorHouseholdLink, Seller

pytestmark = pytest.mark.django_db


def test_owner_may_manage_their_shop() -> None:
    seller = SellerFactory()
    assert selectors.seller_can_manage(user=seller.owner, seller_id=seller.pk)


def test_another_seller_may_not_manage_the_shop() -> None:
    seller, other = SellerFactory(), SellerFactory()
    assert not selectors.seller_can_manage(user=other.owner, seller_id=seller.pk)


@pytest.mark.parametrize(
    "kind", [Seller.Kind.FARMER, Seller.Kind.COOPERATIVE, Seller.Kind.CRAFT_MAKER]
)
def test_agent_may_manage_a_local_producer(agent: User, kind: str) -> None:
    seller = SellerFactory(kind=kind)
    assert selectors.seller_can_manage(user=agent, seller_id=seller.pk)


def test_agent_may_not_manage_an_industrial_maker(agent: User) -> None:
    maker = SellerFactory(outside=True)
    assert not selectors.seller_can_manage(user=agent, seller_id=maker.pk)


def test_agent_may_not_manage_a_farmer_from_outside_the_county(agent: User) -> None:
    seller = SellerFactory(village=None, township=None)
    assert not selectors.seller_can_manage(user=agent, seller_id=seller.pk)


def test_visitors_and_unknown_shops_are_never_managed() -> None:
    seller = SellerFactory()
    assert not selectors.seller_can_manage(user=AnonymousUser(), seller_id=seller.pk)
    assert not selectors.seller_can_manage(user=seller.owner, seller_id=999_999)


def test_superuser_may_manage_any_shop() -> None:
    admin = UserFactory(admin=True)
    assert selectors.seller_can_manage(user=admin, seller_id=SellerFactory(outside=True).pk)


def test_sellers_managed_by_lists_own_shops_and_for_agents_local_producers(agent: User) -> None:
    own = SellerFactory(owner=agent, outside=True)
    local = SellerFactory()
    SellerFactory(outside=True)

    assert selectors.sellers_managed_by(user=agent) == [own, local]
    assert selectors.sellers_managed_by(user=local.owner) == [local]
    assert selectors.sellers_managed_by(user=AnonymousUser()) == []


def test_owner_updates_story_and_village_moves_township() -> None:
    seller = SellerFactory()
    village = VillageFactory()

    services.seller_update(
        actor=seller.owner, seller_id=seller.pk, story="Bees on the hill.", village_id=village.pk
    )

    seller.refresh_from_db()
    assert seller.story == "Bees on the hill."
    assert seller.township_id == village.township_id


def test_update_refuses_status_and_strangers() -> None:
    seller = SellerFactory()
    with pytest.raises(InvalidSellerFieldError):
        services.seller_update(actor=seller.owner, seller_id=seller.pk, status="approved")
    with pytest.raises(SellerPermissionDeniedError):
        services.seller_update(actor=UserFactory(), seller_id=seller.pk, story="mine now")
    assert Seller.objects.get(pk=seller.pk).story == ""


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("farm.png", buffer.getvalue(), content_type="image/png")


def test_photos_are_added_in_order(tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path
    seller = SellerFactory()

    first = services.shop_photo_add(actor=seller.owner, seller_id=seller.pk, image=_png())
    second = services.shop_photo_add(
        actor=seller.owner, seller_id=seller.pk, image=_png(), caption="Hives"
    )

    assert (first.position, second.position) == (0, 1)
    assert second.caption == "Hives"


def test_a_file_that_is_not_a_photo_is_refused(tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path
    seller = SellerFactory()
    fake = SimpleUploadedFile("farm.png", b"<?php echo 1; ?>", content_type="image/png")

    with pytest.raises(InvalidImageError) as caught:
        services.shop_photo_add(actor=seller.owner, seller_id=seller.pk, image=fake)
    assert caught.value.code == "invalid_image"
    assert not seller.photos.exists()


def test_poor_household_link_is_recorded_once() -> None:
    seller = SellerFactory()
    household = Household.objects.create(
        village=seller.village, head_name="杨老三", registered_poor=True
    )

    link = services.household_link_add(
        actor=seller.owner, seller_id=seller.pk, household_id=household.pk, relation="supplier"
    )
    assert selectors.household_links_for_seller(seller_id=seller.pk) == [link]

    with pytest.raises(HouseholdLinkExistsError):
        services.household_link_add(
            actor=seller.owner, seller_id=seller.pk, household_id=household.pk, relation="supplier"
        )
    # The same household may also work for the shop: a second, different relation.
    services.household_link_add(
        actor=seller.owner, seller_id=seller.pk, household_id=household.pk, relation="employee"
    )
    assert PoorHouseholdLink.objects.filter(seller=seller).count() == 2


def test_household_not_on_the_poor_register_is_refused() -> None:
    seller = SellerFactory()
    household = Household.objects.create(village=seller.village, head_name="王大")

    with pytest.raises(HouseholdNotRegisteredPoorError):
        services.household_link_add(
            actor=seller.owner, seller_id=seller.pk, household_id=household.pk, relation="employee"
        )


def test_demo_sellers_load_once(db: None) -> None:
    first = services.sellers_demo_load()
    again = services.sellers_demo_load()

    assert {"rice", "honey", "batik", "paper", "fertiliser", "county_shop"} <= set(first)
    assert {k: s.pk for k, s in first.items()} == {k: s.pk for k, s in again.items()}
    assert first["fertiliser"].kind == Seller.Kind.INDUSTRIAL_MAKER
    assert all(s.status == Seller.Status.APPROVED for s in first.values())
