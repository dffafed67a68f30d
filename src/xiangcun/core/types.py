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


@dataclass(frozen=True)
class IntegrityProblem:
    """One mismatch found by an app's `<app>_integrity_problems()` selector, for
    `xiangcun check-integrity`: `check` is a stable code ("stock_reserved_mismatch"), `record`
    names the row ("stock 12", "order X2026..."), `detail` says what disagrees with what."""

    app: str
    check: str
    record: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.app}] {self.check}: {self.record}: {self.detail}"
