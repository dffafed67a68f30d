"""A document's terms as the database's full-text engine stores them: one space-separated list
per weight band.

Each term goes in the band of its weight (`ProductDocument.terms`, 1..16, see documents.py),
and the band's score stands for that weight when ranking: a product ranks by the sum, over the
query's parts, of the score of the best band in which a term starts with that part. Eight bands
(one text column each, indexed by the FTS5 table or by one GIN index on them as tsvectors):
four were too coarse for the weights documents.py gives, since the exact syllable `mi` of 米
(15-16) and the longer `miao` of 苗银 (14) must not tie, nor a name word (12) and its initials (7).
"""

from bisect import bisect_right
from collections.abc import Iterator

from xiangcun.catalog.search.documents import ProductDocument

# (column, score): a term of weight w goes in the first band whose score is at most w.
BANDS: tuple[tuple[str, int], ...] = tuple(
    (f"band_{letter}", score)
    for letter, score in zip("abcdefgh", (15, 13, 11, 9, 7, 5, 3, 1), strict=True)
)
COLUMNS = tuple(column for column, _ in BANDS)


def band_of(weight: int) -> str:
    for column, score in BANDS:
        if weight >= score:
            return column
    return BANDS[-1][0]


def band_texts(document: ProductDocument) -> dict[str, str]:
    """Column -> the band's terms, each preceded by a space (so ` p` in it finds prefix p).

    A term that starts another term of its band or of a higher one is left out: every query
    part it starts, the longer term starts too, in a band that scores as much or more, so what
    a query finds and how it ranks stay the same (蜂 beside 蜂蜜, `hong` beside `hongmi`, `fs`
    beside `fss`). About a fifth of the terms go.
    """
    bands: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for term, weight in document.terms.items():
        bands[band_of(weight)].append(term)
    texts: dict[str, str] = {}
    above: list[str] = []  # the terms of this band and the higher ones, sorted
    for column in COLUMNS:
        above = sorted({*above, *bands[column]})
        kept = []
        for term in sorted(bands[column]):
            after = bisect_right(above, term)
            if after < len(above) and above[after].startswith(term):
                continue
            kept.append(term)
        texts[column] = "".join(f" {term}" for term in kept)
    return texts


def higher_bands(column: str) -> Iterator[str]:
    """The bands that outrank `column`."""
    for other in COLUMNS:
        if other == column:
            return
        yield other
