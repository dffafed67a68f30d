"""Applying for a shop and the staff review state machine."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.accounts.factories import UserFactory
from tests.regions.factories import VillageFactory
from tests.sellers.factories import SellerFactory
from xiangcun.accounts.models import User
from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import Role
from xiangcun.sellers import services
from xiangcun.sellers.errors import (
    InvalidSellerKindError,
    InvalidSellerNameError,
    InvalidSellerStatusChangeError,
    ReviewNoteRequiredError,
    SellerApplicationPendingError,
    SellerNotFoundError,
    SellerReviewNotAllowedError,
    UnknownVillageError,
)
from xiangcun.sellers.models import Seller

pytestmark = pytest.mark.django_db


def test_application_waits_for_review_and_takes_township_from_village() -> None:
    owner = UserFactory()
    village = VillageFactory()

    seller = services.seller_apply(
        owner=owner, kind="farmer", name=" 蓝莓农场 ", village_id=village.pk, phone="139 1234 5678"
    )

    assert seller.status == Seller.Status.SUBMITTED
    assert seller.name == "蓝莓农场"
    assert seller.township_id == village.township_id
    assert seller.phone == "13912345678"


def test_a_second_application_while_one_waits_is_refused() -> None:
    owner = UserFactory()
    services.seller_apply(owner=owner, kind="farmer", name="One")

    with pytest.raises(SellerApplicationPendingError):
        services.seller_apply(owner=owner, kind="farmer", name="Two")
    assert Seller.objects.filter(owner=owner).count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "wizard", "name": "Shop"}, InvalidSellerKindError),
        ({"kind": "farmer", "name": "   "}, InvalidSellerNameError),
        ({"kind": "farmer", "name": "x" * 81}, InvalidSellerNameError),
        ({"kind": "farmer", "name": "Shop", "village_id": 999_999}, UnknownVillageError),
    ],
)
def test_bad_application_is_refused_and_nothing_is_saved(fields: dict, error: type) -> None:
    with pytest.raises(error):
        services.seller_apply(owner=UserFactory(), **fields)
    assert not Seller.objects.exists()


def test_approval_makes_the_owner_a_seller(reviewer: User) -> None:
    seller = SellerFactory(status=Seller.Status.SUBMITTED)

    services.seller_review(reviewer=reviewer, seller_id=seller.pk, approve=True, note="ok")

    seller.refresh_from_db()
    assert seller.status == Seller.Status.APPROVED
    assert seller.reviewed_by == reviewer
    assert seller.reviewed_at is not None
    assert Role.SELLER in user_roles(user=seller.owner)


def test_rejection_keeps_the_note_and_grants_nothing(reviewer: User) -> None:
    seller = SellerFactory(status=Seller.Status.SUBMITTED)

    services.seller_review(
        reviewer=reviewer, seller_id=seller.pk, approve=False, note="No photos of the farm."
    )

    seller.refresh_from_db()
    assert seller.status == Seller.Status.REJECTED
    assert seller.review_note == "No photos of the farm."
    assert Role.SELLER not in user_roles(user=seller.owner)


def test_permission_through_a_staff_group_is_enough_to_review() -> None:
    staff = UserFactory()
    group = Group.objects.create(name="seller reviewers")
    group.permissions.add(Permission.objects.get(codename="review_seller"))
    staff.groups.add(group)
    seller = SellerFactory(status=Seller.Status.SUBMITTED)

    services.seller_review(
        reviewer=User.objects.get(pk=staff.pk), seller_id=seller.pk, approve=True
    )

    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.APPROVED


def test_nobody_without_the_review_permission_may_review() -> None:
    seller = SellerFactory(status=Seller.Status.SUBMITTED)

    for user in (seller.owner, UserFactory()):
        with pytest.raises(SellerReviewNotAllowedError) as caught:
            services.seller_review(reviewer=user, seller_id=seller.pk, approve=True)
        assert caught.value.code == "permission_denied"
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.SUBMITTED


def test_suspended_shop_can_be_reinstated(reviewer: User) -> None:
    seller = SellerFactory(status=Seller.Status.APPROVED)

    services.seller_suspend(reviewer=reviewer, seller_id=seller.pk, note="Complaints.")
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.SUSPENDED

    services.seller_reinstate(reviewer=reviewer, seller_id=seller.pk)
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.APPROVED


def test_suspension_needs_a_reason(reviewer: User) -> None:
    seller = SellerFactory(status=Seller.Status.APPROVED)

    with pytest.raises(ReviewNoteRequiredError):
        services.seller_suspend(reviewer=reviewer, seller_id=seller.pk, note="  ")
    assert Seller.objects.get(pk=seller.pk).status == Seller.Status.APPROVED


def _act(reviewer: User, seller_id: int, action: str) -> Seller:
    if action == "approve":
        return services.seller_review(reviewer=reviewer, seller_id=seller_id, approve=True)
    if action == "reject":
        return services.seller_review(reviewer=reviewer, seller_id=seller_id, approve=False)
    if action == "suspend":
        return services.seller_suspend(reviewer=reviewer, seller_id=seller_id, note="why")
    return services.seller_reinstate(reviewer=reviewer, seller_id=seller_id)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Seller.Status.SUBMITTED, "suspend"),
        (Seller.Status.SUBMITTED, "reinstate"),
        (Seller.Status.APPROVED, "approve"),
        (Seller.Status.APPROVED, "reject"),
        (Seller.Status.APPROVED, "reinstate"),
        (Seller.Status.REJECTED, "approve"),
        (Seller.Status.REJECTED, "suspend"),
        (Seller.Status.REJECTED, "reinstate"),
        (Seller.Status.SUSPENDED, "approve"),
        (Seller.Status.SUSPENDED, "reject"),
        (Seller.Status.SUSPENDED, "suspend"),
    ],
)
def test_forbidden_transitions_are_refused_and_change_nothing(
    reviewer: User, status: str, action: str
) -> None:
    seller = SellerFactory(status=status)

    with pytest.raises(InvalidSellerStatusChangeError) as caught:
        _act(reviewer, seller.pk, action)

    assert caught.value.code == "invalid_seller_status"
    assert caught.value.status == 409
    assert Seller.objects.get(pk=seller.pk).status == status


def test_reviewing_an_unknown_shop_says_seller_not_found(reviewer: User) -> None:
    with pytest.raises(SellerNotFoundError) as caught:
        services.seller_review(reviewer=reviewer, seller_id=999_999, approve=True)
    assert caught.value.code == "seller_not_found"
