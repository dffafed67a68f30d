"""Cash on delivery or at a station: nothing to talk to; staff confirm the money by hand
(`payments.services.payment_confirm_cash`, `refund_confirm_cash`)."""

from xiangcun.payments.errors import InvalidNotificationError
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.providers.base import (
    Prepared,
    RefundResult,
    RemoteStatus,
    VerifiedNotification,
)


class CashProvider:
    name = "cash"

    def prepare(
        self, intent: PaymentIntent, *, payer_openid: str = "", client_ip: str = ""
    ) -> Prepared:
        return Prepared(client_data={"pay_at": intent.channel})

    def query(self, intent: PaymentIntent) -> RemoteStatus:
        # Only a person who holds the cash knows; the intent's own status is all there is.
        return RemoteStatus(
            paid=intent.status == PaymentIntent.Status.SUCCEEDED, raw_state=intent.status
        )

    def close(self, intent: PaymentIntent) -> None:
        return None

    def refund(self, refund: Refund) -> RefundResult:
        # Paid out at a station and confirmed by staff later.
        return RefundResult(succeeded=False, pending=True)

    def refund_query(self, refund: Refund) -> RefundResult:
        # Only the staff member who paid it out knows; until they confirm it, it is pending.
        return RefundResult(succeeded=False, pending=True, raw_state=refund.status)

    def verify_notification(self, headers: dict[str, str], body: str) -> VerifiedNotification:
        raise InvalidNotificationError
