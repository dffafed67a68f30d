"""Reads of the cash drawer: the actor's open drawer, one drawer with what it should hold, and a
station's day."""

from xiangcun.accounts.types import AnyUser
from xiangcun.servicecenter.errors import NoOpenDrawerError
from xiangcun.servicecenter.models import Drawer
from xiangcun.servicecenter.services._common import acting_station


def drawer_open_for(*, actor: AnyUser, station_id: int | None = None) -> Drawer | None:
    """The actor's open drawer (at `station_id` when named, else at their station), or None."""
    station = acting_station(actor, station_id)
    return Drawer.objects.filter(
        agent_id=actor.pk, station_id=station, status=Drawer.Status.OPEN
    ).first()


def drawer_for_cash(*, actor: AnyUser, station_id: int) -> Drawer:
    """The drawer cash taken by `actor` at `station_id` goes into: their open one there.

    Raises NoOpenDrawerError (409 "no_open_drawer") when they have none, NotYourStationError
    when the station is not theirs."""
    drawer = drawer_open_for(actor=actor, station_id=station_id)
    if drawer is None:
        raise NoOpenDrawerError
    return drawer
