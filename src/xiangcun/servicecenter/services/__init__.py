"""The service centre's business actions (one function each), re-exported from their modules."""

from xiangcun.servicecenter.demo import servicecenter_demo_load
from xiangcun.servicecenter.services._common import stations_of
from xiangcun.servicecenter.services.commission import (
    commission_accrue,
    commission_payout_run,
    commission_rules_demo_load,
)
from xiangcun.servicecenter.services.drawer import (
    drawer_cash_in,
    drawer_loan_repayment,
    drawer_open,
    drawer_refund_pay,
)
from xiangcun.servicecenter.services.drawer_close import drawer_close, drawer_handover
from xiangcun.servicecenter.services.orders import assisted_order_place
from xiangcun.servicecenter.services.residents import (
    consent_record,
    consent_withdraw,
    resident_register_assisted,
)

__all__ = [
    "assisted_order_place",
    "commission_accrue",
    "commission_payout_run",
    "commission_rules_demo_load",
    "consent_record",
    "consent_withdraw",
    "drawer_cash_in",
    "drawer_close",
    "drawer_handover",
    "drawer_loan_repayment",
    "drawer_open",
    "drawer_refund_pay",
    "resident_register_assisted",
    "servicecenter_demo_load",
    "stations_of",
]
