"""The cart: a signed-in user's or a guest session's, merged at login."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import variant_availability, variant_on_sale, variants_for_order
from xiangcun.core.errors import InvalidInputError
from xiangcun.core.validators import INT64_MAX, int_check
from xiangcun.orders.errors import CartLineNotFoundError, VariantUnavailableError
from xiangcun.orders.models import Cart, CartLine
from xiangcun.orders.services._common import MAX_QUANTITY, _is_id, _quantity_allowed, _units


def _variant_on_sale(variant_id: object) -> int:
    """The variant id, if it names a variant on sale; VariantUnavailableError otherwise."""
    if not _is_id(variant_id):
        raise VariantUnavailableError(field="variant_id")
    variant = variants_for_order(variant_ids=[variant_id]).get(variant_id)
    if variant is None or not variant_on_sale(variant):
        raise VariantUnavailableError(field="variant_id", variant_id=variant_id)
    return variant_id


def _within_stock(variant_id: int, quantity: int) -> int:
    """The cart takes no more than checkout would: checked against what is left now."""
    available = variant_availability(variant_ids=[variant_id]).get(variant_id, 0)
    return _quantity_allowed(variant_id=variant_id, quantity=quantity, available=available)


@transaction.atomic
def cart_for(*, user: AnyUser | None = None, session_key: str | None = None) -> Cart:
    """The signed-in user's cart, or the guest cart of this session; created when missing."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user_id=user.pk)
        return cart
    if not session_key:
        raise InvalidInputError(_("Open the cart from a browser session."), field="session_key")
    cart, _created = Cart.objects.get_or_create(session_key=session_key[:40])
    return cart


@transaction.atomic
def cart_add(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Put units in the cart; adding a product already there adds to its quantity. The line
    never holds more than is left or than one order may take (QuantityOverStockError,
    QuantityOverLimitError: the product page and the API say the same sentence)."""
    quantity = _units(quantity)
    variant_id = _variant_on_sale(variant_id)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant_id=variant_id).first()
    if line is None:
        # get_or_create: a double tap that made the line a moment ago adds to it instead.
        line, created = CartLine.objects.get_or_create(
            cart=cart,
            variant_id=variant_id,
            defaults={"quantity": _within_stock(variant_id, quantity)},
        )
        if created:
            return line
        line = CartLine.objects.select_for_update().get(pk=line.pk)
    line.quantity = _within_stock(variant_id, line.quantity + quantity)
    line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant_id: int, quantity: int) -> CartLine | None:
    """Set a cart line's quantity; 0 takes the product out of the cart (answers None)."""
    int_check(variant_id, field="variant_id", minimum=1, maximum=INT64_MAX)
    if quantity == 0:
        cart_remove(cart=cart, variant_id=variant_id)
        return None
    quantity = _units(quantity)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant_id=variant_id).first()
    if line is None:
        raise CartLineNotFoundError(field="variant_id")
    line.quantity = _within_stock(variant_id, quantity)
    line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def cart_remove(*, cart: Cart, variant_id: int) -> None:
    int_check(variant_id, field="variant_id", minimum=1, maximum=INT64_MAX)
    CartLine.objects.filter(cart=cart, variant_id=variant_id).delete()


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    """Empty the cart (after a checkout)."""
    CartLine.objects.filter(cart=cart).delete()


@transaction.atomic
def cart_merge(*, session_key: str, user: AnyUser) -> Cart:
    """At login: the guest cart's lines join the user's cart (quantities add up, at most the
    per-line limit) and the guest cart goes."""
    cart = cart_for(user=user)
    guest = Cart.objects.filter(session_key=session_key, user__isnull=True).first()
    if guest is None or not session_key:
        return cart
    mine = {
        line.variant_id: line for line in CartLine.objects.select_for_update().filter(cart=cart)
    }
    for line in CartLine.objects.filter(cart=guest).order_by("pk"):
        existing = mine.get(line.variant_id)
        if existing is None:
            CartLine.objects.create(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
        else:
            existing.quantity = min(MAX_QUANTITY, existing.quantity + line.quantity)
            existing.save(update_fields=["quantity", "updated_at"])
    guest.delete()
    return cart
