"""From text to search terms, the same way for what is indexed and for what a buyer types.

A Chinese run is segmented with jieba; each word also yields its full pinyin and its initials,
and every Chinese character is a term of its own, so `蜂蜜`, `fengmi`, `fm` and `蜂` all reach
honey. Latin text becomes lower-case words. Matching is by prefix (see backend.py), so
`fengm` finds `fengmi` too.

A product name says more (`name_term_groups`): every run of two or three characters is a term
with its pinyin and initials too, whatever jieba made of the name, so `hongmi` and `hm` find
丹寨古法红米 although jieba cuts it 丹寨/古/法/红/米. `pinyin_words` splits latin input into
pinyin syllables (`danzhaihongmi` -> dan zhai hong mi) for the relaxed search.
"""

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba
from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

# Terms longer than this are cut; prefix matching still finds them by their start.
TERM_MAX_LENGTH = 64
# A query with more parts than this is cut: every part is one more index probe.
QUERY_MAX_PARTS = 6

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_HAN}]+)|([0-9a-z]+)")
_ENGLISH_STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "it", "of", "on",
     "or", "the", "to", "with"}
)  # fmt: skip

# Local names jieba's general dictionary splits or does not know. Without them "排调" (a town)
# would become two single characters on both sides and match far too much.
_LOCAL_WORDS = (
    "丹寨", "丹寨县", "金泉", "龙泉", "兴仁", "排调", "扬武", "雅灰", "南皋", "石桥",
    "卡拉", "羊排", "硒锌", "富硒", "硒米", "蜡染", "古法纸", "古法造纸", "苗绣", "苗银",
    "黑毛猪", "蓝莓", "土蜂蜜", "扶贫", "排莫", "鸟笼", "刺绣", "红米", "香米", "黑米",
    "糯米", "蜂巢蜜",
)  # fmt: skip

_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")

_jieba_ready = False


def _jieba() -> "jieba.Tokenizer":
    global _jieba_ready
    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        for word in _LOCAL_WORDS:
            jieba.add_word(word, freq=20000)
        _jieba_ready = True
    return jieba.dt


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=100_000)
def pinyin_of(word: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials of a Chinese word: 蜂蜜 -> (fengmi, fm)."""
    syllables = [syllable for syllable in lazy_pinyin(word, errors="ignore") if syllable]
    return "".join(syllables), "".join(syllable[0] for syllable in syllables)


def _cut(term: str) -> str:
    return term[:TERM_MAX_LENGTH]


@lru_cache(maxsize=50_000)
def _terms_cached(text: str, pinyin: bool) -> frozenset[str]:
    tokenizer = _jieba()
    terms: set[str] = set()
    for han, latin in _RUNS.findall(normalise(text)):
        if han:
            terms.update(han)
            for word in tokenizer.cut_for_search(han, HMM=False):
                terms.add(word)
                if not pinyin:
                    continue
                full, initials = pinyin_of(word)
                if full:
                    terms.add(full)
                if len(initials) > 1:
                    terms.add(initials)
        elif len(latin) > 1 and latin not in _ENGLISH_STOPWORDS and not latin.isdigit():
            terms.add(latin)
    return frozenset(_cut(term) for term in terms)


def text_terms(text: str, *, pinyin: bool = True) -> frozenset[str]:
    """Every term a piece of text is found by; `pinyin=False`: not by the pinyin or initials
    of its Chinese words (its words, characters and latin words only)."""
    return _terms_cached(text, pinyin) if text else frozenset()


# Runs of this many characters of a name are terms of their own (with pinyin and initials).
NAME_NGRAMS = (2, 3)
# Name runs longer than this only give their words and characters (a name is 120 at most).
NGRAM_RUN_MAX = 40


@dataclass(frozen=True)
class NameTerms:
    """A name's terms by what they are, so the index can weigh them apart (documents.py).

    `words`: jieba's words with their full pinyin, and latin words; `characters`: each
    character and its pinyin syllable; `runs`: every run of 2-3 characters and its pinyin;
    `whole`: the pinyin of each Chinese run of the name; `initials`: initials (two letters or
    more) of the words and the whole name; `run_initials`: those of the runs; `head`: see below.
    """

    words: frozenset[str]
    characters: frozenset[str]
    runs: frozenset[str]
    whole: frozenset[str]
    initials: frozenset[str]
    run_initials: frozenset[str]
    # The name's last Chinese word (brackets aside), its pinyin and initials, and its last
    # character and syllable: what the goods are (红米 in 丹寨古法红米, 腊肉 in 黑毛猪烟熏腊肉).
    head: frozenset[str] = frozenset()


def _syllables(run: str) -> list[str]:
    """One pinyin syllable per character of a Chinese run (phrase-aware for polyphones)."""
    syllables = lazy_pinyin(run, errors="ignore")
    if len(syllables) != len(run):
        syllables = [(lazy_pinyin(char, errors="ignore") or [""])[0] for char in run]
    return syllables


@lru_cache(maxsize=50_000)
def name_term_groups(name: str) -> NameTerms:
    """A product (or brand) name's terms, grouped by kind (see NameTerms)."""
    tokenizer = _jieba()
    words: set[str] = set()
    characters: set[str] = set()
    runs: set[str] = set()
    whole: set[str] = set()
    initials: set[str] = set()
    run_initials: set[str] = set()
    for han, latin in _RUNS.findall(normalise(name)):
        if latin:
            if len(latin) > 1 and latin not in _ENGLISH_STOPWORDS and not latin.isdigit():
                words.add(latin)
            continue
        syllables = _syllables(han)
        characters.update(han)
        characters.update(syllable for syllable in syllables if syllable)
        if len(han) > 1:
            whole.add("".join(syllables))
            initials.add("".join(syllable[:1] for syllable in syllables))
        for word in tokenizer.cut_for_search(han, HMM=False):
            full, word_initials = pinyin_of(word)
            words.add(word)
            if full:
                words.add(full)
            if len(word_initials) > 1:
                initials.add(word_initials)
        if len(han) > NGRAM_RUN_MAX:
            continue
        for size in NAME_NGRAMS:
            for start in range(len(han) - size + 1):
                part = syllables[start : start + size]
                runs.add(han[start : start + size])
                runs.add("".join(part))
                run_initials.add("".join(syllable[:1] for syllable in part))
    head: set[str] = set()
    unbracketed = _BRACKETED.sub(" ", normalise(name))
    last_run = next((han for han, _latin in reversed(_RUNS.findall(unbracketed)) if han), "")
    if last_run:
        word = list(tokenizer.cut(last_run, HMM=False))[-1]
        full, word_initials = pinyin_of(word)
        head.update(term for term in (word, full, word_initials) if term)
        # Its last character and syllable too (蜜 and `mi` of 蜂蜜), so the query `mi` puts
        # honey above names that only start with it (`miao`).
        head.update(term for term in (last_run[-1], _syllables(last_run)[-1]) if term)
    cut = {
        kind: frozenset(_cut(term) for term in terms if term)
        for kind, terms in (
            ("words", words),
            ("characters", characters),
            ("runs", runs),
            ("whole", whole),
            ("initials", {term for term in initials if len(term) > 1}),
            ("run_initials", {term for term in run_initials if len(term) > 1}),
            ("head", {term for term in head if not term.isascii() or len(term) > 1}),
        )
    }
    return NameTerms(**cut)


def name_terms(name: str) -> frozenset[str]:
    """Every term a product name is found by (all of `name_term_groups`)."""
    groups = name_term_groups(name)
    return (
        groups.words
        | groups.characters
        | groups.runs
        | groups.whole
        | groups.initials
        | groups.run_initials
    )


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (`lv` for lü, as typed), from pypinyin's dictionary."""
    found: set[str] = set()
    for code in PINYIN_DICT:
        for syllable in lazy_pinyin(chr(code), errors="ignore"):
            # Not the vowel-less interjections (hm, ng, m): `hm` is typed as initials.
            if syllable.isascii() and syllable.isalpha() and set(syllable) & set("aeiouv"):
                found.add(syllable)
    return frozenset(found)


# The longest pinyin syllable (zhuang, shuang).
SYLLABLE_MAX = 6


def pinyin_words(latin: str) -> list[str] | None:
    """Latin letters as a run of whole pinyin syllables, fewest syllables first
    (`danzhaihongmi` -> [dan, zhai, hong, mi]); None when they are not pinyin."""
    syllables = pinyin_syllables()
    n = len(latin)
    if not latin.isascii() or not latin.isalpha() or n > TERM_MAX_LENGTH:
        return None
    # best[i]: the fewest syllables that spell latin[:i], as a list (None: cannot).
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - SYLLABLE_MAX), end):
            before = best[start]
            if before is not None and latin[start:end] in syllables:
                candidate = [*before, latin[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[n]


def query_parts(query: str) -> list[str]:
    """Split a query into parts a product must all match: `丹寨 dami` -> [丹寨, dami]."""
    tokenizer = _jieba()
    parts: list[str] = []
    for han, latin in _RUNS.findall(normalise(query)):
        if han:
            parts.extend(word for word in tokenizer.cut(han, HMM=False) if word.strip())
        elif latin:
            parts.append(latin)
    unique = list(dict.fromkeys(_cut(part) for part in parts))
    return unique[:QUERY_MAX_PARTS]


def characters_of(parts: Iterable[str]) -> list[str]:
    """Each Chinese part split into its characters (the fall-back when a word is not a term)."""
    out: list[str] = []
    for part in parts:
        if re.fullmatch(rf"[{_HAN}]+", part):
            out.extend(part)
        else:
            out.append(part)
    return list(dict.fromkeys(out))[:QUERY_MAX_PARTS]
