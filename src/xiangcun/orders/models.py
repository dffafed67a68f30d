"""Carts, orders with lines grouped by seller, the order timeline and returns.

An order copies what the buyer saw (product name, variant, unit price, address) at the moment
of ordering, so later catalogue edits never change a placed order.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from xiangcun.core.db import TimeStampedModel
from xiangcun.orders.types import OrderStatus, order_event_text


class Cart(TimeStampedModel):
    """A signed-in user's cart is kept; a guest's lives with the session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    session_key = models.CharField(max_length=40, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False),
                name="orders_cart_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(TimeStampedModel):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="orders_cart_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_cart_line_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} x {self.quantity}"


class Order(TimeStampedModel):
    Status = OrderStatus

    class Delivery(models.TextChoices):
        HOME = "home", _("Home delivery")
        STATION_PICKUP = "station_pickup", _("Pick up at a village station")
        SHOP_PICKUP = "shop_pickup", _("Pick up at the county shop")

    class PaymentMethod(models.TextChoices):
        CASH = "cash", _("Cash")
        SANDBOX = "sandbox", _("Sandbox (demo)")
        WECHAT = "wechat", _("WeChat Pay")

    number = models.CharField(_("order number"), max_length=24, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    # Who pressed the button: the buyer, or a service-centre agent ordering for a resident.
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT
    )
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices
    )
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True)
    delivery_method = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    station = models.ForeignKey(
        "regions.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.CharField(_("recipient"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11)
    address_text = models.CharField(_("address"), max_length=300, blank=True)
    township = models.ForeignKey(
        "regions.Township", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The spot the buyer shared for home delivery (WGS84, from the phone's location); without
    # it the van is routed to the village centre, which in the mountains can be kilometres off.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # Home delivery anywhere in mainland China: the destination's county (GB/T 2260 code) and
    # the carrier service the buyer chose from the quote. Empty for the county's own delivery.
    county_code = models.CharField(_("county code"), max_length=6, blank=True)
    shipping_carrier = models.CharField(_("carrier"), max_length=16, blank=True)
    shipping_service = models.CharField(_("carrier service"), max_length=32, blank=True)
    # What the carrier will charge us for the parcel, from the quote (the buyer's part is
    # `delivery_fee`).
    shipping_cost = models.DecimalField(
        _("carrier charge"), max_digits=14, decimal_places=2, default=0
    )
    promised_days_min = models.PositiveSmallIntegerField(
        _("delivery days (from)"), null=True, blank=True
    )
    promised_days_max = models.PositiveSmallIntegerField(
        _("delivery days (to)"), null=True, blank=True
    )
    goods_total = models.DecimalField(_("goods"), max_digits=14, decimal_places=2)
    delivery_fee = models.DecimalField(_("delivery fee"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    # A retried checkout with the same key returns this order instead of creating another.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    # Not stored: set by `order_place` when a retried request answers the order already placed.
    replayed = False

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["buyer", "-id"]),
            models.Index(fields=["status", "expires_at"]),
            # The programme's daily figures read a day's paid and completed orders, and the
            # orders changed since the last build (impact's fact builder).
            models.Index(fields=["paid_at"], name="orders_paid_at"),
            models.Index(fields=["completed_at"], name="orders_completed_at"),
            models.Index(fields=["updated_at"], name="orders_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(
                # Rounded: SQLite keeps decimals as floats, where 63.63 + 8 != 71.63.
                condition=Q(total=Round(F("goods_total") + F("delivery_fee"), 2)),
                name="orders_total_is_goods_plus_delivery",
            ),
            models.CheckConstraint(
                condition=Q(goods_total__gt=0) & Q(delivery_fee__gte=0),
                name="orders_amounts_valid",
            ),
            models.CheckConstraint(
                condition=Q(delivery_method="home") | Q(station__isnull=False),
                name="orders_pickup_needs_station",
            ),
            # A point is whole (both numbers or neither), on the globe, and only for home
            # delivery.
            models.CheckConstraint(
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True)
                    | Q(
                        delivery_method="home",
                        latitude__gte=-90,
                        latitude__lte=90,
                        longitude__gte=-180,
                        longitude__lte=180,
                    )
                ),
                name="orders_home_point_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    class Fulfilment(models.TextChoices):
        OPEN = "open", _("Not started")
        PACKING = "packing", _("Packing")
        SHIPPED = "shipped", _("Shipped")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="+")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    product_id = models.BigIntegerField()
    product_name = models.CharField(_("product"), max_length=120)
    variant_name = models.CharField(_("option"), max_length=60)
    sku = models.CharField(_("SKU"), max_length=40)
    unit = models.CharField(_("unit"), max_length=10)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)
    # How far this line's seller has got. A seller moves only their own lines; the order is
    # packing from its first line packed and shipped when its last line is shipped.
    fulfilment = models.CharField(
        _("fulfilment"), max_length=10, choices=Fulfilment.choices, default=Fulfilment.OPEN
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["seller_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_qty_positive"),
            models.CheckConstraint(
                condition=Q(line_total=Round(F("unit_price") * F("quantity"), 2)),
                name="orders_line_total_is_price_times_qty",
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="orders_line_returned_within_qty",
            ),
            models.CheckConstraint(
                condition=Q(fulfilment__in=["open", "packing", "shipped"]),
                name="orders_line_fulfilment_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.variant_name} x {self.quantity}"

    @property
    def unit_label(self) -> str:
        """The unit in the reader's language (the line keeps the catalogue's code)."""
        from xiangcun.catalog.selectors import unit_label

        return unit_label(self.unit)


class OrderEvent(models.Model):
    """One step of the order's timeline, shown to the buyer."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=Order.Status.choices)
    # A step the system writes: a code of types.ORDER_EVENT_TEXTS and its values, put into
    # words in the reader's language; `note` is what a person typed (or, in rows older than
    # the codes, the words in the language of whoever caused the step).
    code = models.CharField(_("code"), max_length=40, blank=True)
    params = models.JSONField(_("values"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"

    @property
    def text(self) -> str:
        """The step in the reader's language."""
        return order_event_text(code=self.code, params=self.params, note=self.note)


class ReturnRequest(TimeStampedModel):
    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("Arrived damaged")
        SPOILED = "spoiled", _("Spoiled or not fresh")
        WRONG_ITEM = "wrong_item", _("Wrong item")
        NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
        CHANGED_MIND = "changed_mind", _("Changed my mind")
        OTHER = "other", _("Other")
        # Not the buyer's choice: the parcel came back without being handed over, and the
        # platform refunds the whole order (`order_refund_undelivered`).
        UNDELIVERED = "undelivered", _("Not delivered")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.CharField(_("details"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    amount = models.DecimalField(_("refund amount"), max_digits=14, decimal_places=2)
    refund_number = models.CharField(_("refund number"), max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="orders_return_amount_positive"),
            # An order's undelivered parcel is refunded once, however often logistics asks.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(reason="undelivered"),
                name="orders_return_undelivered_once",
            ),
        ]

    def __str__(self) -> str:
        return f"return {self.pk} of {self.order_id}"


class ReturnLine(models.Model):
    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_return_line_qty")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} x {self.quantity}"


class SavedAddress(TimeStampedModel):
    """An address a buyer keeps for checkout, anywhere in mainland China; one is the default.

    The division names are copied from the national table when the address is saved (as an
    order copies them), so a label reads the same if a district is renamed later."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_addresses"
    )
    county_code = models.CharField(_("county code"), max_length=6)
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("prefecture"), max_length=64)
    county = models.CharField(_("county"), max_length=64)
    street = models.CharField(_("town or street"), max_length=64, blank=True)
    detail = models.CharField(_("house and street"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=64)
    phone = models.CharField(_("phone"), max_length=11)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("saved address")
        verbose_name_plural = _("saved addresses")
        ordering = ["-is_default", "-id"]
        constraints = [
            # One default per buyer, held by the database: two pages switching the default at
            # once cannot leave two.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="orders_saved_address_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.province}{self.city}{self.county}"

    @property
    def text(self) -> str:
        """The address written out as on a parcel label (a municipality's name once)."""
        city = "" if self.city in (self.province, self.county) else self.city
        return "".join((self.province, city, self.county, self.street, self.detail))
