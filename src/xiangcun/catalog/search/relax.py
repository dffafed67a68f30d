"""A search that does not give up: above any backend, a query that finds nothing is retried
looser, and the caller is told how (`Relaxed.how`), so a page can say "no exact match; showing
related goods" instead of showing an empty page.

In order, the first step that finds something wins:

1. `spelling`: a latin part that finds nothing alone is replaced by its first one-letter-off
   variant in `_variants`' order (two letters swapped, a letter changed, added or dropped)
   that spells pinyin syllables and finds something (`hongmu` -> `hongmi`); corrections come
   before dropping parts, so a typo is not silently thrown away;
2. `split`: latin words that are pinyin run together are split into syllables
   (`danzhaihongmi` -> dan zhai hong mi), each then a part that must match;
3. `fewer_words`: the parts that find something alone, together, then dropping one at a
   time from the end, then the most specific one alone;
4. `characters`: the same with every Chinese part cut into its characters.

Each retry is one backend search (probes ask for one result); a query tries at most about
forty, and only queries that found nothing pay for any.
"""

import string
from dataclasses import dataclass, replace

from xiangcun.catalog.search.interface import SearchBackend, SearchHits, SearchQuery
from xiangcun.catalog.search.text import characters_of, pinyin_words, query_parts

# Spelling variants of one part probed at most (in the order `_variants` gives).
SPELLING_PROBES = 30
# Latin parts shorter than this are initials or a syllable being typed: not corrected; longer
# than SPELLING_MAX_LENGTH are not either (their variants would cost more than they find).
SPELLING_MIN_LENGTH = 3
SPELLING_MAX_LENGTH = 20

HOW_SPLIT = "split"
HOW_SPELLING = "spelling"
HOW_FEWER_WORDS = "fewer_words"
HOW_CHARACTERS = "characters"


@dataclass(frozen=True)
class Relaxed:
    """The hits, and how the query was loosened to find them ("" when it was not): then
    `text` is what was searched instead."""

    hits: SearchHits
    how: str = ""
    text: str = ""


def _is_latin(part: str) -> bool:
    return part.isascii() and part.isalpha()


class _Searcher:
    def __init__(self, backend: SearchBackend, query: SearchQuery) -> None:
        self.backend = backend
        self.query = query
        self._found: dict[str, int] = {}

    def search(self, parts: list[str]) -> SearchHits:
        return self.backend.search(replace(self.query, text=" ".join(parts)))

    def finds(self, part: str) -> int:
        """How many products `part` alone finds (with the query's filters)."""
        if part not in self._found:
            probe = replace(self.query, text=part, offset=0, limit=1, sort="relevance")
            self._found[part] = self.backend.search(probe).count
        return self._found[part]


_VOWELS = "aeiouv"


def _variants(word: str) -> list[str]:
    """One-letter-off variants of a latin word that spell pinyin, likeliest first: two letters
    swapped, a vowel for a vowel (`hongmu` -> `hongmi`), a letter added, a letter dropped,
    any other letter changed; among each kind, fewer syllables first."""
    letters = string.ascii_lowercase
    swapped = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]
    changed = [
        word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in letters if c != word[i]
    ]
    vowel = [
        candidate
        for i, candidate in enumerate(changed)
        if word[i // 25] in _VOWELS and candidate[i // 25] in _VOWELS
    ]
    kinds: list[list[str]] = [
        swapped,
        vowel,
        [word[:i] + c + word[i:] for i in range(len(word) + 1) for c in letters],
        [word[:i] + word[i + 1 :] for i in range(len(word))],
        changed,
    ]
    scored: dict[str, tuple[int, int]] = {}
    for kind, candidates in enumerate(kinds):
        for candidate in candidates:
            syllables = pinyin_words(candidate)
            if candidate != word and syllables and candidate not in scored:
                scored[candidate] = (kind, len(syllables))
    return sorted(scored, key=lambda candidate: scored[candidate])


def _fewer(searcher: _Searcher, parts: list[str]) -> tuple[SearchHits, list[str]] | None:
    alive = [part for part in parts if searcher.finds(part)]
    if not alive:
        return None
    tries: list[list[str]] = []
    if len(alive) < len(parts):
        tries.append(alive)
    tries += [alive[:i] + alive[i + 1 :] for i in range(len(alive) - 1, -1, -1)]
    for parts_left in tries:
        if parts_left and parts_left != parts:
            hits = searcher.search(parts_left)
            if hits.count:
                return hits, parts_left
    best = max(alive, key=len)
    return searcher.search([best]), [best]


def relaxed_search(backend: SearchBackend, query: SearchQuery) -> Relaxed:
    """`backend.search(query)`, loosened step by step when that finds nothing (see above)."""
    hits = backend.search(query)
    parts = query_parts(query.text)
    if hits.count or not parts:
        return Relaxed(hits)
    searcher = _Searcher(backend, query)

    corrected = list(parts)
    for i, part in enumerate(parts):
        if (
            not _is_latin(part)
            or not SPELLING_MIN_LENGTH <= len(part) <= SPELLING_MAX_LENGTH
            or searcher.finds(part)
        ):
            continue
        variant = next((v for v in _variants(part)[:SPELLING_PROBES] if searcher.finds(v)), None)
        if variant is not None:
            corrected[i] = variant
    if corrected != parts:
        hits = searcher.search(corrected)
        if hits.count:
            return Relaxed(hits, HOW_SPELLING, " ".join(corrected))

    split: list[str] = []
    for part in corrected:
        syllables = pinyin_words(part) if _is_latin(part) else None
        split.extend(syllables if syllables and len(syllables) > 1 else [part])
    split = list(dict.fromkeys(split))
    if split != corrected and len(split) <= 6:
        hits = searcher.search(split)
        if hits.count:
            return Relaxed(hits, HOW_SPLIT, " ".join(split))

    for how, candidate in ((HOW_FEWER_WORDS, corrected), (HOW_CHARACTERS, None)):
        if candidate is None:
            candidate = characters_of(corrected)
            if candidate == corrected:
                continue
        fewer = _fewer(searcher, candidate)
        if fewer is not None and fewer[0].count:
            return Relaxed(fewer[0], how, " ".join(fewer[1]))
    return Relaxed(hits)
