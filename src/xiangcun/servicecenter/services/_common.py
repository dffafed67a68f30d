"""Who may act for the service centre, and where: shared by every service module.

An agent acts at their own station only (their active logistics StaffMember row as agent). The
staff above them (warehouse manager, programme manager, administrator) act for any station and
must name it. Decided here, on the actor, never by whether a related row exists."""

from typing import Any

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.logistics.services import stations_acted_at
from xiangcun.regions.selectors import station_get
from xiangcun.servicecenter.errors import (
    NotAnAgentError,
    NotYourStationError,
    StationRequiredError,
)
from xiangcun.servicecenter.models import AssistedAction

# Roles that may use the service centre: agents at their station, these above them anywhere.
SUPERVISORS = frozenset({Role.WAREHOUSE, Role.PROGRAMME_MANAGER, Role.ADMIN})
AGENT_ROLES = frozenset({Role.AGENT}) | SUPERVISORS


def stations_of(actor: AnyUser) -> frozenset[int] | None:
    """The stations `actor` may act for: None for every one (a supervisor), an empty set for
    none (not an agent, or an agent without an active station)."""
    if not actor.is_authenticated or not actor.is_active:
        return frozenset()
    if getattr(actor, "is_superuser", False) or user_roles(user=actor) & SUPERVISORS:
        return None
    if Role.AGENT not in user_roles(user=actor):
        return frozenset()
    stations = stations_acted_at(user=actor, roles=[Role.AGENT])
    return frozenset() if stations is None else stations


def require_agent(actor: AnyUser) -> None:
    """Refuse anyone who is neither an agent with a station nor a supervisor."""
    if stations_of(actor) == frozenset():
        raise NotAnAgentError


def acting_station(actor: AnyUser, station_id: int | None = None) -> int:
    """The station `actor` acts for now: an agent's own (or the one named, if it is theirs), or
    the one a supervisor names. Refuses otherwise."""
    stations = stations_of(actor)
    if stations == frozenset():
        raise NotAnAgentError
    if stations is None:
        if station_id is None:
            raise StationRequiredError(field="station")
        station_get(station_id=station_id)  # StationNotFoundError when unknown
        return station_id
    if station_id is None:
        if len(stations) != 1:
            raise StationRequiredError(field="station")
        return next(iter(stations))
    if station_id not in stations:
        raise NotYourStationError(field="station")
    return station_id


def action_log(
    *,
    actor: AnyUser,
    station_id: int,
    code: str,
    resident_id: int | None = None,
    **params: Any,
) -> AssistedAction:
    """Record what an agent did, for whom, where (a code and plain parameters; never a secret)."""
    if actor.pk is None:
        raise NotAnAgentError
    return AssistedAction.objects.create(
        agent_id=actor.pk,
        station_id=station_id,
        resident_id=resident_id,
        code=code,
        params=params,
    )
