"""Users and their roles: registration with a password, the role groups and their permissions,
and the demo users."""

import logging

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from xiangcun.accounts.errors import InvalidNameError, PhoneTakenError, WeakPasswordError
from xiangcun.accounts.models import User
from xiangcun.accounts.roles import ROLE_PERMISSIONS
from xiangcun.accounts.types import STAFF_ROLES, DemoUser, Role
from xiangcun.core.validators import mobile_normalize, text_check

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 64


def _name_clean(name: str) -> str:
    name = name.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidNameError(field="name")
    return name


@transaction.atomic
def user_register(*, phone: str, password: str, name: str = "") -> User:
    """Open a buyer account for someone who chose a password."""
    text_check(password=password, name=name)
    phone = mobile_normalize(phone)
    name = _name_clean(name)
    try:
        validate_password(password, user=User(phone=phone, name=name))
    except ValidationError as error:
        raise WeakPasswordError(" ".join(error.messages), field="password") from error
    if User.objects.filter(phone=phone).exists():
        raise PhoneTakenError(field="phone")

    user = User(phone=phone, name=name)
    user.set_password(password)
    try:
        # A savepoint, so a concurrent registration of the same phone fails cleanly here.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise PhoneTakenError(field="phone") from error
    role_grant(user=user, role=Role.BUYER)
    return user


@transaction.atomic
def user_for_phone(*, phone: str, name: str = "") -> User:
    """The account of this mobile number, opened (as a buyer, with no password: they log in by
    SMS code on their own phone) when someone acts for a person who has none yet, e.g. a hire."""
    text_check(name=name)
    phone = mobile_normalize(phone)
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        return user
    user = User(phone=phone, name=_name_clean(name))
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Opened meanwhile by a concurrent request: that account is theirs.
        return User.objects.get(phone=phone)
    role_grant(user=user, role=Role.BUYER)
    return user


def _role_group(role: Role) -> Group:
    group, created = Group.objects.get_or_create(name=role.value)
    if created:
        group.permissions.set(_permissions_for(role))
    return group


def _permissions_for(role: Role) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in ROLE_PERMISSIONS.get(role, [])}
    if not wanted:
        return []
    app_labels = {app_label for app_label, _codename in wanted}
    candidates = Permission.objects.filter(content_type__app_label__in=app_labels).select_related(
        "content_type"
    )
    return [p for p in candidates if (p.content_type.app_label, p.codename) in wanted]


def _staff_flag_refresh(user: User) -> None:
    """Back-office access follows the roles: on with any staff role, off without one."""
    names = set(user.groups.values_list("name", flat=True))
    is_staff = user.is_superuser or any(role.value in names for role in STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_grant(*, user: User, role: Role) -> None:
    user.groups.add(_role_group(role))
    _staff_flag_refresh(user)


@transaction.atomic
def role_revoke(*, user: User, role: Role) -> None:
    user.groups.remove(*Group.objects.filter(name=role.value))
    _staff_flag_refresh(user)


@transaction.atomic
def roles_sync() -> list[str]:
    """Create each role's group and give it exactly the permissions ROLE_PERMISSIONS names.

    Safe to run any number of times (after every migrate). Returns the permission names that do
    not exist yet, because their app is not built.
    """
    missing: list[str] = []
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = _permissions_for(role)
        group.permissions.set(permissions)
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        missing.extend(name for name in ROLE_PERMISSIONS.get(role, []) if name not in found)
    staff_groups = [role.value for role in STAFF_ROLES]
    User.objects.filter(groups__name__in=staff_groups, is_staff=False).update(is_staff=True)
    if missing:
        logger.debug("roles_sync skipped %d permissions of apps not built yet", len(missing))
    return sorted(set(missing))


# Phones 13800000001, 13800000002, ... in Role order; the admin is a superuser.
DEMO_NAMES: dict[Role, str] = {
    Role.BUYER: "陈思雨",
    Role.RESIDENT: "杨秀英",
    Role.SELLER: "王德富",
    Role.AGENT: "潘小燕",
    Role.WAREHOUSE: "吴建国",
    Role.PACKER: "龙美玲",
    Role.DRIVER: "罗志强",
    Role.COURIER: "李文军",
    Role.BRAND_MANAGER: "周雅琴",
    Role.LOAN_OFFICER: "孙立新",
    Role.RECRUITER: "黄丽华",
    Role.TRAINER: "杨光明",
    Role.PROGRAMME_MANAGER: "宋婷",
    Role.ADMIN: "韦刚",
}


@transaction.atomic
def demo_users_ensure(*, password: str) -> list[DemoUser]:
    """One login per role for demonstrations. Existing demo users are left as they are."""
    roles_sync()
    demo_users: list[DemoUser] = []
    for number, role in enumerate(Role, start=1):
        phone = f"138{number:08d}"
        name = DEMO_NAMES[role]
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(phone=phone, name=name)
            user.set_password(password)
            user.is_superuser = role == Role.ADMIN
            user.save()
        role_grant(user=user, role=role)
        demo_users.append(DemoUser(role=role, phone=phone, name=user.name))
    return demo_users
