"""Every write of the sellers app: applying, staff review, shop details, photos, household links.

Review is a small state machine: submitted -> approved | rejected, approved <-> suspended.
Each transition locks the seller row, so two reviewers cannot both act on one application.
"""

import datetime
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from xiangcun.accounts.selectors import household_registered_poor
from xiangcun.accounts.services import role_grant
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import mobile_normalize, text_check, text_field
from xiangcun.regions.errors import TownshipNotFoundError
from xiangcun.regions.selectors import village_township_id, villages_for_township
from xiangcun.sellers.errors import (
    HouseholdLinkExistsError,
    HouseholdNotRegisteredPoorError,
    InvalidImageError,
    InvalidSellerFieldError,
    InvalidSellerKindError,
    InvalidSellerNameError,
    InvalidSellerStatusChangeError,
    ReviewNoteRequiredError,
    ReviewNoteTooLongError,
    SellerApplicationPendingError,
    SellerNotFoundError,
    SellerPermissionDeniedError,
    SellerReviewNotAllowedError,
    UnknownHouseholdError,
    UnknownVillageError,
)
from xiangcun.sellers.models import PoorHouseholdLink, Seller, ShopPhoto
from xiangcun.sellers.selectors import seller_can_manage, seller_can_review

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
NOTE_MAX_LENGTH = 200

# The review state machine: each action and the statuses it may start from, and where it leads.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({Seller.Status.SUBMITTED}), Seller.Status.APPROVED),
    "reject": (frozenset({Seller.Status.SUBMITTED}), Seller.Status.REJECTED),
    "suspend": (frozenset({Seller.Status.APPROVED}), Seller.Status.SUSPENDED),
    "reinstate": (frozenset({Seller.Status.SUSPENDED}), Seller.Status.APPROVED),
}


# --- Field cleaning ---------------------------------------------------------------------------


# Optional shop text: may be empty; too long is refused with a message naming the limit.
_text = partial(text_field, required=False)


def _name(value: str) -> str:
    text_check(name=value)
    name = (value or "").strip()
    if not name or len(name) > Seller._meta.get_field("name").max_length:  # type: ignore[operator]  # a CharField always has one
        raise InvalidSellerNameError(field="name")
    return name


def _kind(value: str) -> str:
    if value not in Seller.Kind.values:
        raise InvalidSellerKindError(field="kind")
    return value


def _phone(value: str) -> str:
    return mobile_normalize(value) if (value or "").strip() else ""


def _township_of(village_id: int) -> int:
    """The township of a village; UnknownVillageError if the village does not exist."""
    township_id = village_township_id(village_id=village_id)
    if township_id is None:
        raise UnknownVillageError(field="village_id")
    return int(township_id)


def _note(value: str, *, required: bool) -> str:
    text_check(note=value)
    note = (value or "").strip()
    if required and not note:
        raise ReviewNoteRequiredError(field="note")
    if len(note) > NOTE_MAX_LENGTH:
        raise ReviewNoteTooLongError(field="note")
    return note


# --- Applying and review ----------------------------------------------------------------------


@transaction.atomic
def seller_apply(
    *,
    owner: AnyUser,
    kind: str,
    name: str,
    name_en: str = "",
    story: str = "",
    village_id: int | None = None,
    origin_text: str = "",
    phone: str = "",
) -> Seller:
    """Open a shop application, waiting for staff review. The township follows the village."""
    if not owner.is_authenticated or not owner.is_active:
        raise SellerPermissionDeniedError
    seller = Seller(
        owner_id=owner.pk,
        kind=_kind(kind),
        name=_name(name),
        name_en=_text(name_en, field="name_en", max_length=80),
        story=_text(story, field="story", max_length=4000),
        origin_text=_text(origin_text, field="origin_text", max_length=120),
        phone=_phone(phone),
        status=Seller.Status.SUBMITTED,
    )
    if village_id is not None:
        seller.village_id = village_id
        seller.township_id = _township_of(village_id)
    if Seller.objects.filter(owner_id=owner.pk, status=Seller.Status.SUBMITTED).exists():
        raise SellerApplicationPendingError
    try:
        # A savepoint: a double submit racing this one fails cleanly on the partial unique index.
        with transaction.atomic():
            seller.save()
    except IntegrityError as error:
        raise SellerApplicationPendingError from error
    return seller


def _seller_locked(seller_id: int) -> Seller:
    seller = Seller.objects.select_for_update().filter(pk=seller_id).first()
    if seller is None:
        raise SellerNotFoundError
    return seller


def _transition(
    *, reviewer: AnyUser, seller_id: int, action: str, note: str, note_required: bool = False
) -> Seller:
    sources, to = TRANSITIONS[action]
    if not seller_can_review(user=reviewer):
        raise SellerReviewNotAllowedError
    note = _note(note, required=note_required)
    seller = _seller_locked(seller_id)
    if seller.status not in sources:
        raise InvalidSellerStatusChangeError(
            _("This shop is “%(status)s” and cannot become “%(to)s”.")
            % {"status": seller.get_status_display(), "to": Seller.Status(to).label},
            status=seller.status,
            to=to,
        )
    seller.status = to
    seller.review_note = note
    seller.reviewed_by_id = reviewer.pk
    seller.reviewed_at = timezone.now()
    seller.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    return seller


@transaction.atomic
def seller_review(*, reviewer: AnyUser, seller_id: int, approve: bool, note: str = "") -> Seller:
    """Approve or reject a submitted application; approval makes the owner a seller."""
    action = "approve" if approve else "reject"
    seller = _transition(reviewer=reviewer, seller_id=seller_id, action=action, note=note)
    if approve:
        role_grant(user=seller.owner, role=Role.SELLER)
    return seller


@transaction.atomic
def seller_suspend(*, reviewer: AnyUser, seller_id: int, note: str) -> Seller:
    """Stop an approved shop from trading; the note (required) tells the seller why."""
    return _transition(
        reviewer=reviewer,
        seller_id=seller_id,
        action="suspend",
        note=note,
        note_required=True,
    )


@transaction.atomic
def seller_reinstate(*, reviewer: AnyUser, seller_id: int, note: str = "") -> Seller:
    """Let a suspended shop trade again."""
    return _transition(reviewer=reviewer, seller_id=seller_id, action="reinstate", note=note)


# --- Shop details -----------------------------------------------------------------------------

_UPDATABLE = frozenset(
    {"name", "name_en", "story", "story_en", "village_id", "origin_text", "phone"}
)


def _manage_check(*, actor: AnyUser, seller_id: int) -> None:
    # The shop must exist for a reviewer too: a link to a missing shop fails only at commit.
    if not Seller.objects.filter(pk=seller_id).exists():
        raise SellerNotFoundError
    if seller_can_manage(user=actor, seller_id=seller_id) or seller_can_review(user=actor):
        return
    raise SellerPermissionDeniedError


@transaction.atomic
def seller_update(*, actor: AnyUser, seller_id: int, **fields: Any) -> Seller:
    """Change a shop's public details (name, story, village, contact). Kind and status are not
    changed here: kind decides who may act for the shop, status belongs to review."""
    _manage_check(actor=actor, seller_id=seller_id)
    unknown = sorted(set(fields) - _UPDATABLE)
    if unknown:
        raise InvalidSellerFieldError(field=unknown[0])
    seller = _seller_locked(seller_id)
    cleaners = {
        "name": _name,
        "name_en": lambda v: _text(v, field="name_en", max_length=80),
        "story": lambda v: _text(v, field="story", max_length=4000),
        "story_en": lambda v: _text(v, field="story_en", max_length=4000),
        "origin_text": lambda v: _text(v, field="origin_text", max_length=120),
        "phone": _phone,
    }
    changed: set[str] = set()
    for field, value in fields.items():
        if field == "village_id":
            seller.village_id = value
            seller.township_id = _township_of(value) if value is not None else None
            changed |= {"village", "township"}
        else:
            setattr(seller, field, cleaners[field](value))
            changed.add(field)
    seller.save(update_fields=[*sorted(changed), "updated_at"])
    return seller


def _image_check(image: UploadedFile) -> None:
    if image.size is None or image.size > PHOTO_MAX_BYTES:
        raise InvalidImageError(field="image")
    try:
        with Image.open(image) as picture:
            image_format = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InvalidImageError(field="image") from error
    finally:
        image.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise InvalidImageError(field="image")


@transaction.atomic
def shop_photo_add(
    *, actor: AnyUser, seller_id: int, image: UploadedFile, caption: str = ""
) -> ShopPhoto:
    """Add a photo to the end of a shop's gallery."""
    _manage_check(actor=actor, seller_id=seller_id)
    caption = _text(caption, field="caption", max_length=120)
    _image_check(image)
    _seller_locked(seller_id)  # orders concurrent uploads, so positions do not collide
    last = ShopPhoto.objects.filter(seller_id=seller_id).aggregate(last=Max("position"))["last"]
    photo = ShopPhoto(
        seller_id=seller_id, caption=caption, position=0 if last is None else last + 1
    )
    photo.image.save(image.name or "photo", image, save=False)
    photo.save()
    return photo


@transaction.atomic
def household_link_add(
    *,
    actor: AnyUser,
    seller_id: int,
    household_id: int,
    relation: str,
    since: datetime.date | None = None,
) -> PoorHouseholdLink:
    """Record a registered poor household (建档立卡) the shop buys from or employs."""
    _manage_check(actor=actor, seller_id=seller_id)
    if relation not in PoorHouseholdLink.Relation.values:
        raise InvalidInputError(_("Choose supplier or employee."), field="relation")
    registered_poor = household_registered_poor(household_id=household_id)
    if registered_poor is None:
        raise UnknownHouseholdError(field="household_id")
    if not registered_poor:
        raise HouseholdNotRegisteredPoorError(field="household_id")
    link = PoorHouseholdLink(
        seller_id=seller_id, household_id=household_id, relation=relation, since=since
    )
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as error:
        raise HouseholdLinkExistsError from error
    return link


@transaction.atomic
def household_link_remove(*, actor: AnyUser, seller_id: int, link_id: int) -> None:
    """Remove a household link recorded by mistake."""
    _manage_check(actor=actor, seller_id=seller_id)
    PoorHouseholdLink.objects.filter(pk=link_id, seller_id=seller_id).delete()


# --- Demo -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DemoSeller:
    code: str
    kind: str
    name: str
    name_en: str
    owner_phone: str
    township_code: str | None
    village_code: str | None
    origin_text: str
    story: str
    story_en: str


# The seller role's demo login (13800000003) owns the blueberry farm when it exists.
_DEMO_SELLERS = (
    _DemoSeller(
        "rice",
        Seller.Kind.COOPERATIVE,
        "高要硒锌米种植合作社",
        "Gaoyao Selenium Rice Co-op",
        "13900000101",
        "522636100",
        "522636100902",
        "",
        "高要村的稻田用山泉水灌溉，土壤富含硒和锌。合作社收购全村农户的稻谷，统一加工。",
        (
            "Gaoyao's paddies are watered from mountain springs and the soil is rich in selenium "
            "and zinc. The co-op buys the whole village's rice and mills it together."
        ),
    ),
    _DemoSeller(
        "blueberry",
        Seller.Kind.FARMER,
        "王家村蓝莓家庭农场",
        "Wangjia Blueberry Farm",
        "13800000003",
        "522636101",
        "522636101901",
        "",
        "二十亩蓝莓园，六月到八月采摘，当天发往县城仓库。",
        (
            "Twenty mu of blueberries, picked from June to August and sent to the county "
            "warehouse the same day."
        ),
    ),
    _DemoSeller(
        "honey",
        Seller.Kind.COOPERATIVE,
        "雅灰蜂蜜专业合作社",
        "Yahui Honey Co-op",
        "13900000102",
        "522636200",
        "522636200901",
        "",
        "雅灰乡山高林密，中华蜂采百花蜜，一年只取一次。",
        (
            "Yahui's mountains are high and thickly wooded; Chinese honeybees gather wildflower "
            "honey, taken only once a year."
        ),
    ),
    _DemoSeller(
        "tea",
        Seller.Kind.FARMER,
        "扬武高山茶园",
        "Yangwu Mountain Tea Garden",
        "13900000103",
        "522636103",
        "522636103903",
        "",
        "海拔一千米的茶园，清明前采摘的明前茶。",
        "A tea garden a thousand metres up, picked before the Qingming festival.",
    ),
    _DemoSeller(
        "pork",
        Seller.Kind.COOPERATIVE,
        "送陇黑毛猪养殖合作社",
        "Songlong Black Pig Co-op",
        "13900000104",
        "522636200",
        "522636200902",
        "",
        "本地黑毛猪散养一年以上，吃玉米和红薯长大。",
        "Local black pigs, free-range for over a year and raised on maize and sweet potatoes.",
    ),
    _DemoSeller(
        "batik",
        Seller.Kind.CRAFT_MAKER,
        "排莫苗族蜡染坊",
        "Paimo Miao Batik Workshop",
        "13900000105",
        "522636102",
        "522636102901",
        "",
        "苗族妇女用蜂蜡和蓝靛手工绘染，每一件图案都不一样。",
        "Miao women draw with beeswax and dye with indigo by hand; no two patterns are the same.",
    ),
    _DemoSeller(
        "paper",
        Seller.Kind.CRAFT_MAKER,
        "石桥古法造纸坊",
        "Shiqiao Ancient Paper Mill",
        "13900000106",
        "522636201",
        "522636201901",
        "",
        "用构树皮和古法工艺造纸，已有一千多年历史。",
        "Paper made from paper-mulberry bark by a craft more than a thousand years old.",
    ),
    _DemoSeller(
        "silver",
        Seller.Kind.CRAFT_MAKER,
        "卡拉苗银刺绣工作室",
        "Kala Miao Silver and Embroidery",
        "13900000107",
        "522636100",
        "522636100901",
        "",
        "苗族银匠手工锻打银饰，绣娘手工刺绣。",
        "Miao silversmiths hammer the silver by hand and embroiderers stitch by hand.",
    ),
    _DemoSeller(
        "fertiliser",
        Seller.Kind.INDUSTRIAL_MAKER,
        "黔丰农资（示例）",
        "Qianfeng Farm Supplies",
        "13900000108",
        None,
        None,
        "贵州省贵阳市",
        "复合肥、有机肥和种子，送到村服务站。",
        "Compound and organic fertiliser and seed, delivered to the village stations.",
    ),
    _DemoSeller(
        "tools",
        Seller.Kind.INDUSTRIAL_MAKER,
        "湘农农具（示例）",
        "Xiangnong Farm Tools",
        "13900000109",
        None,
        None,
        "湖南省株洲市",
        "锄头、镰刀、喷雾器和小型农机。",
        "Hoes, sickles, sprayers and small farm machines.",
    ),
    _DemoSeller(
        "appliances",
        Seller.Kind.INDUSTRIAL_MAKER,
        "顺德小家电（示例）",
        "Shunde Small Appliances",
        "13900000110",
        None,
        None,
        "广东省佛山市",
        "电饭煲、电磁炉、电风扇，县城统一售后。",
        (
            "Rice cookers, induction hobs and electric fans, with after-sales service in the "
            "county town."
        ),
    ),
    _DemoSeller(
        "daily",
        Seller.Kind.INDUSTRIAL_MAKER,
        "义乌日用百货（示例）",
        "Yiwu Daily Goods",
        "13900000111",
        None,
        None,
        "浙江省义乌市",
        "洗衣粉、毛巾、水桶等日用品。",
        "Washing powder, towels, buckets and other everyday goods.",
    ),
    _DemoSeller(
        "county_shop",
        Seller.Kind.COUNTY_SHOP,
        "丹寨县扶贫产品展销馆",
        "Danzhai County Shop",
        "13900000112",
        "522636001",
        None,
        "贵州省黔东南州丹寨县",
        "县城里的实体店，展示和销售全县的扶贫产品。",
        (
            "A shop in the county town that shows and sells the whole county's "
            "poverty-alleviation products."
        ),
    ),
)


def _demo_villages(township_codes: set[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for township_code in sorted(township_codes):
        try:
            villages = villages_for_township(township_code=township_code)
        except TownshipNotFoundError:
            continue
        ids.update({village.code: village.id for village in villages})
    return ids


@transaction.atomic
def sellers_demo_load() -> dict[str, Seller]:
    """Approved demo shops in real Danzhai townships plus makers from outside, keyed by a stable
    demo code ("rice", "honey", "batik", "fertiliser", ...). Safe to run again: shops found by
    name are left as they are. Villages are used when the regions demo is loaded."""
    user_model = get_user_model()
    village_ids = _demo_villages({d.township_code for d in _DEMO_SELLERS if d.township_code})
    sellers: dict[str, Seller] = {}
    for demo in _DEMO_SELLERS:
        owner = user_model._default_manager.filter(phone=demo.owner_phone).first()
        if owner is None:
            # Demo owners log in by SMS code (no password), which the demo sender prints.
            owner = user_model._default_manager.create_user(phone=demo.owner_phone, password=None)
        seller = Seller.objects.filter(name=demo.name).first()
        if seller is None:
            village_id = village_ids.get(demo.village_code or "")
            seller = Seller(
                owner=owner,
                kind=demo.kind,
                name=demo.name,
                name_en=demo.name_en,
                story=demo.story,
                story_en=demo.story_en,
                origin_text=demo.origin_text,
                status=Seller.Status.APPROVED,
                reviewed_at=timezone.now(),
                review_note="",
            )
            if village_id is not None:
                seller.village_id = village_id
                seller.township_id = _township_of(village_id)
            seller.save()
        role_grant(user=owner, role=Role.SELLER)
        sellers[demo.code] = seller
    return sellers
