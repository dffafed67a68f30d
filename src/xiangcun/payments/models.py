"""Payment intents (one per order payment), provider notifications and refunds.

A payment names what it pays for by reference only ("order:42"): orders sit above payments
and learn of a successful payment through the callback registry in `payments.services`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel


class Provider(models.TextChoices):
    CASH = "cash", _("Cash")
    SANDBOX = "sandbox", _("Sandbox (demo)")
    WECHAT = "wechat", _("WeChat Pay")


class PaymentIntent(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        # Cancelled here, to be closed at the provider once that is committed (`payment_close`).
        CLOSING = "closing", _("Closing")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")

    # Our number for the payment: WeChat Pay's out_trade_no (6-32 characters).
    number = models.CharField(_("payment number"), max_length=32, unique=True)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    # WeChat Pay channel (jsapi, h5, native) or cash place (delivery, station).
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    reference = models.CharField(_("pays for"), max_length=60, db_index=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    refunded_amount = models.DecimalField(
        _("refunded (CNY)"), max_digits=14, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    description = models.CharField(_("description"), max_length=127)
    provider_transaction_id = models.CharField(_("provider transaction"), max_length=64, blank=True)
    # What the buyer's device needs to pay: a Native code_url, an H5 URL, JSAPI parameters.
    client_data = models.JSONField(_("client data"), default=dict, blank=True)
    # When the provider took the payment and `client_data` got what the device needs. Null while
    # the call to the provider is still to be made: it is made after the payment is committed
    # (`payment_prepare`), never inside a transaction, and may be tried again.
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    # Staff member who confirmed a cash payment.
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                name="payments_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PaymentNotification(models.Model):
    """Every notification a provider sent us, kept whether or not it verified."""

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    # The provider's own notification id; unique so a duplicate has no second effect.
    notification_id = models.CharField(_("notification id"), max_length=64)
    event_type = models.CharField(_("event type"), max_length=40, blank=True)
    verified = models.BooleanField(_("signature verified"), default=False)
    processed = models.BooleanField(_("processed"), default=False)
    error = models.CharField(_("error"), max_length=200, blank=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"))
    intent = models.ForeignKey(
        PaymentIntent, on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "notification_id"],
                condition=Q(verified=True),
                name="payments_notification_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.notification_id}"


class Refund(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    # Our refund number: WeChat Pay's out_refund_no; also the idempotency key of the refund.
    number = models.CharField(_("refund number"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    provider_refund_id = models.CharField(_("provider refund id"), max_length=64, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # A cash refund is paid out at a station; the staff member who handed it over confirms it.
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive")
        ]

    def __str__(self) -> str:
        return self.number
