"""An account opened for someone acting on a person's behalf (a hire): no password, a buyer."""

import pytest

from xiangcun.accounts.selectors import id_number_protected, user_roles
from xiangcun.accounts.services import user_for_phone
from xiangcun.accounts.types import Role
from xiangcun.core.errors import XiangcunError

pytestmark = pytest.mark.django_db


def test_a_new_phone_gets_a_buyer_account_without_a_password() -> None:
    user = user_for_phone(phone="139 0000 7701", name="  王小明 ")
    assert user.phone == "13900007701"
    assert user.name == "王小明"
    assert not user.has_usable_password()
    assert Role.BUYER in user_roles(user=user)


def test_a_known_phone_keeps_its_account_and_name() -> None:
    first = user_for_phone(phone="13900007702", name="李梅")
    again = user_for_phone(phone="+86 139-0000-7702", name="别的名字")
    assert again.pk == first.pk
    assert again.name == "李梅"


def test_a_bad_phone_is_refused() -> None:
    with pytest.raises(XiangcunError):
        user_for_phone(phone="12345", name="x")


def test_an_id_number_is_kept_only_as_hash_and_mask() -> None:
    number_hash, masked = id_number_protected(id_number="11010519491231002X")
    assert "11010519491231002X" not in (number_hash, masked)
    assert masked.startswith("110")
    assert masked.endswith("002X")
    assert "*" in masked
    assert id_number_protected(id_number="11010519491231002x")[0] == number_hash
