"""The site shell's one table: whether the demo is loaded, for the /demo/ page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoSite(models.Model):
    """One row, written when `xiangcun demo` finishes: /demo/ answers 404 until it exists.

    It keeps what the page lists that is no secret: the demo logins (role and phone), the
    trace links and the numbers of the orders whose parcels wait with a pickup code. The codes
    themselves are never stored: the page derives them again from each parcel, as the terminal
    does, and only with DEBUG on (see docs/deploy.md, "The demo page").
    """

    loaded_at = models.DateTimeField(_("loaded at"))
    logins = models.JSONField(default=list)  # [{"role": "buyer", "phone": "13800000001"}]
    trace_links = models.JSONField(default=list)  # [{"lot": "...", "product": "...", "link": ...}]
    pickup_orders = models.JSONField(default=list)  # [{"order": "XC...", "station": "..."}]

    class Meta:
        verbose_name = _("demo site")
        verbose_name_plural = _("demo site")

    def __str__(self) -> str:
        return f"demo loaded {self.loaded_at:%Y-%m-%d %H:%M}"
