"""Plain value types shared across apps."""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the total count for pagination."""

    items: list[T]
    count: int
    page: int
    page_size: int
    # True when counting stopped early: `count` is then a lower bound ("1,000 or more").
    count_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))
