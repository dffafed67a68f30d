"""A seller says where their money goes: the payout account (bank, WeChat, or simulated)."""

import re

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_field
from xiangcun.finance.errors import InvalidPayoutAccountError, SellerMoneyNotFoundError
from xiangcun.finance.models import PayoutAccount, PayoutMethod
from xiangcun.sellers.selectors import seller_can_manage

_ACCOUNT_NUMBER = re.compile(r"[0-9]{8,30}")
_OPENID = re.compile(r"[A-Za-z0-9_-]{10,64}")


def _clean(value: object, *, field: str, max_length: int, required: bool) -> str:
    return text_field(
        value,
        field=field,
        max_length=max_length,
        required=required,
        non_text_as_empty=True,
        error=InvalidPayoutAccountError,
    )


@transaction.atomic
def payout_account_set(
    *,
    actor: AnyUser,
    seller_id: int,
    method: str,
    account_name: str = "",
    account_number: str = "",
    bank_name: str = "",
    openid: str = "",
) -> PayoutAccount:
    """Set where the shop's payouts go. The shop's owner (or the agent who manages it) may;
    the change applies from the next run (a payout already booked keeps its account)."""
    if not seller_can_manage(user=actor, seller_id=seller_id):
        raise SellerMoneyNotFoundError
    if method not in PayoutMethod.values:
        raise InvalidPayoutAccountError(field="method")
    bank = method == PayoutMethod.BANK
    name = _clean(account_name, field="account_name", max_length=64, required=bank)
    number = _clean(account_number, field="account_number", max_length=40, required=bank)
    number = number.replace(" ", "")
    bank_text = _clean(bank_name, field="bank_name", max_length=64, required=bank)
    wechat_id = _clean(
        openid, field="openid", max_length=64, required=method == PayoutMethod.WECHAT
    )
    if bank and not _ACCOUNT_NUMBER.fullmatch(number):
        raise InvalidPayoutAccountError(field="account_number")
    if method == PayoutMethod.WECHAT and not _OPENID.fullmatch(wechat_id):
        raise InvalidPayoutAccountError(field="openid")
    account, _created = PayoutAccount.objects.select_for_update().get_or_create(
        seller_id=seller_id, defaults={"set_by_id": actor.pk}
    )
    account.method = method
    account.account_name = name if bank else ""
    account.account_number = number if bank else ""
    account.bank_name = bank_text if bank else ""
    account.openid = wechat_id if method == PayoutMethod.WECHAT else ""
    account.set_by_id = actor.pk
    account.save()
    return account
