"""What can go wrong when planning routes, with stable codes for the API."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import InvalidInputError, XiangcunError


class RoutingInputError(InvalidInputError):
    code = "routing_input_invalid"
    default_message = _("The route planning input is not valid.")


class MatrixUnavailableError(XiangcunError):
    code = "travel_matrix_unavailable"
    status = 503
    default_message = _("Travel times could not be obtained from the road server.")
