"""Background tasks of the catalog app: re-indexing the products a search synonym touches."""

from django_tasks import task

from xiangcun.catalog.models import SearchSynonym
from xiangcun.catalog.search.interface import search_backend
from xiangcun.catalog.search.synonyms import means_words, products_touched

REINDEX_BATCH = 1000


@task()
def search_synonym_reindex(
    synonym_id: int, previous_means: str = "", previous_category_id: int | None = None
) -> int:
    """Re-index the listed products synonym `synonym_id` applies to now, and those it applied
    to before an edit or deletion (`previous_*`, its old values). Returns how many."""
    means = list(means_words(previous_means))
    category_ids = [previous_category_id] if previous_category_id is not None else []
    current = SearchSynonym.objects.filter(pk=synonym_id).first()
    if current is not None:
        means += means_words(current.means)
        if current.category_id is not None:
            category_ids.append(current.category_id)
    ids = products_touched(means=dict.fromkeys(means), category_ids=category_ids)
    backend = search_backend()
    for start in range(0, len(ids), REINDEX_BATCH):
        backend.index_products(ids[start : start + REINDEX_BATCH])
    return len(ids)
