"""The finance part of `xiangcun demo`. Each part of finance adds its loader here."""

from typing import Any

from xiangcun.finance import services as finance_services
from xiangcun.sellers.selectors import sellers_list

# --- Settlement and payouts (the payouts work) ---------------------------------------------------


def payouts_demo_load() -> dict[str, int]:
    """Settlement and payouts in the demo: where the first demo shops are paid (the first by a
    bank batch file, the second by the simulated provider with an account the simulated bank
    refuses, to show a payout returned to the balance; the rest simulated, the default), then
    today's settlement of completed sales. The payout run itself is left to the daily job or
    to the programme manager's "Run payouts now" button, so the demo's loan in arrears stays
    in arrears (a run deducts instalments due). Safe to run again."""
    from xiangcun.finance.models import PayoutAccount

    shops = list(sellers_list())[:2]
    accounts = 0
    for index, shop in enumerate(shops):
        defaults: dict[str, Any] = {
            "method": "bank",
            "account_name": shop.name[:64],
            "account_number": f"62170024{shop.pk:010d}"[-19:],
            "bank_name": "贵州丹寨农村商业银行",
            "set_by_id": shop.owner_id,
        }
        if index == 1:
            defaults = {
                "method": "simulated",
                "account_number": "6217002400000000",
                "set_by_id": shop.owner_id,
            }
        _account, created = PayoutAccount.objects.get_or_create(seller=shop, defaults=defaults)
        accounts += int(created)
    settled = finance_services.settlement_run()
    return {"payout_accounts": accounts, "settled": settled.settled}
