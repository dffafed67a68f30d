"""Reads of the sellers app: shops, who may manage them, and their poor-household links.

Higher apps (catalog, inventory) ask `seller_can_manage` before every write on a seller's
behalf, so the rule for owners, agents and staff lives in this one place.
"""

from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.db.models import Q, QuerySet

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.sellers.errors import InvalidSellerKindError, SellerNotFoundError
from xiangcun.sellers.models import PoorHouseholdLink, Seller
from xiangcun.sellers.types import SellerPlace

REVIEW_PERMISSION = "sellers.review_seller"

# Agents at a service centre act for local producers who cannot type; never for makers from
# outside the county, who run their own shops.
AGENT_MANAGED_KINDS = frozenset(
    {Seller.Kind.FARMER, Seller.Kind.COOPERATIVE, Seller.Kind.CRAFT_MAKER}
)

# Catalog lives above sellers, so it tells us how many listed products each shop has by
# registering a function here in its AppConfig.ready().
ProductCountSource = Callable[..., dict[int, int]]
_product_count_sources: list[ProductCountSource] = []


def register_product_count_source(source: ProductCountSource) -> None:
    """Catalog registers `source(*, seller_ids) -> {seller_id: listed product count}`."""
    if source not in _product_count_sources:
        _product_count_sources.append(source)


def seller_product_counts(*, seller_ids: Iterable[int]) -> dict[int, int]:
    """Listed products per shop; 0 for every shop until catalog has registered its source."""
    ids = list(seller_ids)
    counts = dict.fromkeys(ids, 0)
    for source in _product_count_sources:
        for seller_id, count in source(seller_ids=ids).items():
            counts[seller_id] = counts.get(seller_id, 0) + count
    return counts


def _with_places(rows: QuerySet[Seller]) -> QuerySet[Seller]:
    return rows.select_related("village", "township")


def seller_get(*, seller_id: int) -> Seller:
    """Any shop by id, whatever its status; SellerNotFoundError if there is none."""
    seller = _with_places(Seller.objects.all()).filter(pk=seller_id).first()
    if seller is None:
        raise SellerNotFoundError
    return seller


def user_has_permission(*, user: AnyUser, permission: str) -> bool:
    """Django's has_perm for a user or a visitor (superusers hold every permission)."""
    if not isinstance(user, PermissionsMixin | AnonymousUser):
        return False
    return bool(user.is_active and user.has_perm(permission))


def seller_can_review(*, user: AnyUser) -> bool:
    """Programme staff holding the review permission (and superusers)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user_has_permission(user=user, permission=REVIEW_PERMISSION)
    )


def seller_shop_get(*, seller_id: int, for_user: AnyUser | None = None) -> Seller:
    """The shop page: an approved shop for anyone; any other status only for its managers and
    reviewers (others get SellerNotFoundError, so unapproved shops cannot be probed).

    Photos are prefetched.
    """
    seller = (
        _with_places(Seller.objects.all()).prefetch_related("photos").filter(pk=seller_id).first()
    )
    if seller is None:
        raise SellerNotFoundError
    if seller.status == Seller.Status.APPROVED:
        return seller
    user = for_user if for_user is not None else AnonymousUser()
    if seller_can_review(user=user) or seller_can_manage(user=user, seller_id=seller.pk):
        return seller
    raise SellerNotFoundError


def sellers_list(
    *,
    status: str | None = Seller.Status.APPROVED,
    township_code: str | None = None,
    kind: str | None = None,
) -> QuerySet[Seller]:
    """Shops in id order with village and township joined; `status=None` means every status.

    An unknown township code matches nothing; an unknown kind is an InvalidSellerKindError.
    """
    rows = _with_places(Seller.objects.all())
    if status:
        rows = rows.filter(status=status)
    if kind:
        if kind not in Seller.Kind.values:
            raise InvalidSellerKindError(field="kind")
        rows = rows.filter(kind=kind)
    if township_code:
        rows = rows.filter(township__code=township_code)
    return rows.order_by("id")


def _agent_may_act_for(*, kind: str, village_id: int | None) -> bool:
    return village_id is not None and kind in AGENT_MANAGED_KINDS


def seller_can_manage(*, user: AnyUser, seller_id: int) -> bool:
    """Whether `user` may change this shop, its products and its stock.

    The owner may; so may a service-centre agent for a local farmer, co-operative or craft
    maker; so may a superuser. Nobody else, and nobody for an unknown shop. The shop's status
    does not matter here: catalog decides what a suspended shop may still do.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return Seller.objects.filter(pk=seller_id).exists()
    row = Seller.objects.filter(pk=seller_id).values("owner_id", "kind", "village_id").first()
    if row is None:
        return False
    if row["owner_id"] == user.pk:
        return True
    if not _agent_may_act_for(kind=row["kind"], village_id=row["village_id"]):
        return False
    return Role.AGENT in user_roles(user=user)


def sellers_managed_by(*, user: AnyUser) -> list[Seller]:
    """The shops `user` may manage (see `seller_can_manage`), in id order."""
    if not user.is_authenticated or not user.is_active:
        return []
    rows = _with_places(Seller.objects.all()).order_by("id")
    if getattr(user, "is_superuser", False):
        return list(rows)
    condition = Q(owner_id=user.pk)
    if Role.AGENT in user_roles(user=user):
        condition |= Q(village__isnull=False, kind__in=AGENT_MANAGED_KINDS)
    return list(rows.filter(condition))


def approved_seller_ids_managed_by(*, user: AnyUser) -> frozenset[int]:
    """The ids of the APPROVED shops `user` may manage: an application waiting for review (or
    a rejected or suspended shop) gives no right beyond the shop's own pages."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    rows = Seller.objects.filter(status=Seller.Status.APPROVED)
    if not getattr(user, "is_superuser", False):
        condition = Q(owner_id=user.pk)
        if Role.AGENT in user_roles(user=user):
            condition |= Q(village__isnull=False, kind__in=AGENT_MANAGED_KINDS)
        rows = rows.filter(condition)
    return frozenset(rows.values_list("id", flat=True))


def household_links_for_seller(*, seller_id: int) -> list[PoorHouseholdLink]:
    """The registered poor households a shop buys from or employs, household joined."""
    return list(
        PoorHouseholdLink.objects.filter(seller_id=seller_id)
        .select_related("household")
        .order_by("id")
    )


# --- For the programme's figures (impact) ---------------------------------------------------


def seller_places(*, seller_ids: Iterable[int]) -> dict[int, SellerPlace]:
    """Owner, kind, village and township of these shops, by id. One query per 900 shops."""
    ids = sorted(set(seller_ids))
    out: dict[int, SellerPlace] = {}
    for start in range(0, len(ids), 900):
        for pk, owner_id, kind, village_id, township_id in Seller.objects.filter(
            pk__in=ids[start : start + 900]
        ).values_list("pk", "owner_id", "kind", "village_id", "township_id"):
            # A shop with a village but no township recorded is placed at its village's.
            out[pk] = SellerPlace(pk, owner_id, kind, village_id, township_id)
    missing = {p.village_id for p in out.values() if p.village_id and p.township_id is None}
    if missing:
        townships = dict(
            Seller.objects.filter(village_id__in=missing)
            .values_list("village_id", "village__township_id")
            .distinct()
        )
        for pk, place in list(out.items()):
            if place.village_id in townships and place.township_id is None:
                out[pk] = SellerPlace(
                    pk, place.owner_id, place.kind, place.village_id, townships[place.village_id]
                )
    return out
