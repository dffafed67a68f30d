"""Plain values the sellers app shares with other apps (none yet; the actor type is
`accounts.types.AnyUser`)."""

from dataclasses import dataclass

# --- For the programme's figures (impact) ---------------------------------------------------


@dataclass(frozen=True)
class SellerPlace:
    """A shop's owner, kind and place (village and township; None for shops from outside)."""

    seller_id: int
    owner_id: int
    kind: str
    village_id: int | None
    township_id: int | None
