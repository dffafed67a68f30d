"""Search synonyms: words shoppers use that product names do not hold, kept by catalogue staff.

Saving or deleting one queues `catalog.tasks.search_synonym_reindex` after the commit, with the
synonym's id and its old words (references and plain words, nothing secret), which re-indexes
the products it applied to before and applies to now.
"""

from __future__ import annotations

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.errors import DuplicateSynonymError, RequiredFieldError, SynonymNotFoundError
from xiangcun.catalog.models import SearchSynonym
from xiangcun.catalog.search.synonyms import means_words
from xiangcun.catalog.search.text import normalise
from xiangcun.catalog.services._common import _category, _require_perm, _text


def _reindex_after_commit(
    synonym_id: int, previous_means: str, previous_category: int | None
) -> None:
    def enqueue() -> None:
        from xiangcun.catalog.tasks import search_synonym_reindex

        search_synonym_reindex.enqueue(
            synonym_id=synonym_id,
            previous_means=previous_means,
            previous_category_id=previous_category,
        )

    # robust: a failed queue never undoes the saved synonym; `search_reindex` repairs.
    transaction.on_commit(enqueue, robust=True)


@transaction.atomic
def search_synonym_save(
    *,
    actor: AnyUser,
    word: str,
    means: str = "",
    category_id: int | None = None,
    is_active: bool = True,
    synonym_id: int | None = None,
) -> SearchSynonym:
    """Add a synonym (no `synonym_id`) or change one: `word` is what shoppers type, `means`
    words in product names it stands for (spaces or commas between), `category_id` a
    category whose products (and its children's) answer to it; one of the two is needed."""
    _require_perm(
        actor, "catalog.change_searchsynonym" if synonym_id else "catalog.add_searchsynonym"
    )
    word = normalise(_text(word, field="word", max_length=40))
    means = " ".join(means_words(_text(means, field="means", max_length=200, required=False)))
    category = _category(category_id) if category_id is not None else None
    if not means and category is None:
        raise RequiredFieldError(field="means")
    synonym = SearchSynonym()
    if synonym_id is not None:
        found = SearchSynonym.objects.select_for_update().filter(pk=synonym_id).first()
        if found is None:
            raise SynonymNotFoundError
        synonym = found
    previous_means, previous_category = synonym.means, synonym.category_id
    if SearchSynonym.objects.filter(word=word).exclude(pk=synonym.pk).exists():
        raise DuplicateSynonymError(field="word")
    synonym.word, synonym.means, synonym.category = word, means, category
    synonym.is_active = bool(is_active)
    synonym.save()
    _reindex_after_commit(synonym.pk, previous_means, previous_category)
    return synonym


@transaction.atomic
def search_synonym_delete(*, actor: AnyUser, synonym_id: int) -> None:
    """Delete a synonym; the products it applied to lose its word."""
    _require_perm(actor, "catalog.delete_searchsynonym")
    synonym = SearchSynonym.objects.select_for_update().filter(pk=synonym_id).first()
    if synonym is None:
        raise SynonymNotFoundError
    previous_means, previous_category = synonym.means, synonym.category_id
    synonym.delete()
    _reindex_after_commit(synonym_id, previous_means, previous_category)
