"""Packing instructions for an order's goods (ice packs, foam, this side up, keep frozen), as
codes the packer's page renders in the packer's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation

from xiangcun.shipping.selectors._common import goods_for_lines
from xiangcun.shipping.types import PackingCode


def packing_instructions(lines: Iterable[tuple[int, int]]) -> list[str]:
    """What the packer does for these goods (variant id, quantity): PackingCode values in the
    order a packer works (cold first, then protection, then haste); [] for plain goods."""
    needed: set[str] = set()
    for item in goods_for_lines(lines):
        if item.frozen:
            needed |= {PackingCode.KEEP_FROZEN, PackingCode.FOAM_BOX}
        elif item.chilled:
            needed |= {PackingCode.ICE_PACKS, PackingCode.FOAM_BOX}
        if item.fragile:
            needed |= {PackingCode.FOAM_WRAP, PackingCode.THIS_SIDE_UP}
        if item.keeps_days is not None:
            needed.add(PackingCode.SHIP_TODAY)
    return [code.value for code in PackingCode if code.value in needed]


def packing_instructions_render(codes: Iterable[str], *, language: str | None = None) -> list[str]:
    """The instructions in words, in `language` (default: the active one); unknown codes are
    left out."""
    labels = dict(PackingCode.choices)
    known = [code for code in codes if code in labels]
    if language is None:
        return [str(labels[code]) for code in known]
    with translation.override(language):
        return [str(labels[code]) for code in known]
