"""Categories, which every product is filed under."""

from __future__ import annotations

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import DuplicateSlugError, RequiredFieldError
from xiangcun.catalog.fragments import catalog_changed_on_commit
from xiangcun.catalog.models import Category
from xiangcun.catalog.services._common import _category, _direction, _require_perm, _slug, _text
from xiangcun.core.validators import INT16_MAX, int_check


@transaction.atomic
def category_create(
    *,
    actor: AnyUser,
    slug: str,
    name: str,
    name_en: str = "",
    direction: str | None = None,
    parent_id: int | None = None,
    position: int = 0,
) -> Category:
    """A category; a child takes its parent's direction unless one is given."""
    _require_perm(actor, "catalog.add_category")
    parent = _category(parent_id) if parent_id is not None else None
    if direction is None:
        if parent is None:
            raise RequiredFieldError(field="direction")
        direction = parent.direction
    slug = _slug(slug)
    if Category.objects.filter(slug=slug).exists():
        raise DuplicateSlugError(field="slug")
    catalog_changed_on_commit()
    return Category.objects.create(
        slug=slug,
        name=_text(name, field="name", max_length=60),
        name_en=_text(name_en, field="name_en", max_length=60, required=False),
        direction=_direction(direction),
        parent=parent,
        position=int_check(position, field="position", minimum=0, maximum=INT16_MAX),
    )
