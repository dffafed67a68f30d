"""Who may see the programme's figures: decided here, on the actor's roles."""

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.impact.errors import NotAnImpactViewerError

# The programme manager and the administrators above them see every figure and every household.
VIEWER_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.ADMIN})


def can_view_impact(actor: AnyUser) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    return bool(getattr(actor, "is_superuser", False) or user_roles(user=actor) & VIEWER_ROLES)


def require_impact_viewer(actor: AnyUser) -> None:
    """Refuse anyone who may not see the figures (the public page needs no check)."""
    if not can_view_impact(actor):
        raise NotAnImpactViewerError
