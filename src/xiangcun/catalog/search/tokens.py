"""A document's terms as the database's full-text engine stores them: one space-separated list
per weight band.

Each term goes in the band of its weight (`ProductDocument.terms`, 1..16, see documents.py),
and the band's score stands for that weight when ranking: a product ranks by the sum, over the
query's parts, of the score of the best band in which a term starts with that part. Four bands,
because PostgreSQL's tsvector has four weight classes (A-D) and an FTS5 table should stay
narrow; the weights documents.py gives today (8 name, 5 brand, 3 category, 1 elsewhere, added
up where a term is found in several places) fall each in the band of the same score or the
next one up.
"""

from collections.abc import Iterator

from xiangcun.catalog.search.documents import ProductDocument

# (column, score): a term of weight w goes in the first band whose score is at most w.
BANDS: tuple[tuple[str, int], ...] = (("band_a", 8), ("band_b", 5), ("band_c", 3), ("band_d", 1))
COLUMNS = tuple(column for column, _ in BANDS)


def band_of(weight: int) -> str:
    for column, score in BANDS:
        if weight >= score:
            return column
    return BANDS[-1][0]


def band_texts(document: ProductDocument) -> dict[str, str]:
    """Column -> the band's terms, each preceded by a space (so ` p` in it finds prefix p)."""
    bands: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for term, weight in sorted(document.terms.items()):
        bands[band_of(weight)].append(term)
    return {column: "".join(f" {term}" for term in terms) for column, terms in bands.items()}


def higher_bands(column: str) -> Iterator[str]:
    """The bands that outrank `column`."""
    for other in COLUMNS:
        if other == column:
            return
        yield other
