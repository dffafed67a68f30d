"""From text to search terms, the same way for what is indexed and for what a buyer types.

A Chinese run is segmented with jieba; each word also yields its full pinyin and its initials,
and every Chinese character is a term of its own, so `蜂蜜`, `fengmi`, `fm` and `蜂` all reach
honey. Latin text becomes lower-case words. Matching is by prefix (see backend.py), so
`fengm` finds `fengmi` too.
"""

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba
from pypinyin import lazy_pinyin

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
    "黑毛猪", "蓝莓", "土蜂蜜", "扶贫", "排莫", "鸟笼", "刺绣",
)  # fmt: skip

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
def _terms_cached(text: str) -> frozenset[str]:
    tokenizer = _jieba()
    terms: set[str] = set()
    for han, latin in _RUNS.findall(normalise(text)):
        if han:
            terms.update(han)
            for word in tokenizer.cut_for_search(han, HMM=False):
                full, initials = pinyin_of(word)
                terms.add(word)
                if full:
                    terms.add(full)
                if len(initials) > 1:
                    terms.add(initials)
        elif len(latin) > 1 and latin not in _ENGLISH_STOPWORDS and not latin.isdigit():
            terms.add(latin)
    return frozenset(_cut(term) for term in terms)


def text_terms(text: str) -> frozenset[str]:
    """Every term a piece of text is found by."""
    return _terms_cached(text) if text else frozenset()


def name_terms(name: str) -> frozenset[str]:
    """A product name's terms, plus the pinyin of each character and of the whole name.

    `danzhaixixindami` and `dzxxdm` find 丹寨硒锌大米 however jieba cut it; single-syllable
    pinyin lets `feng mi` (typed with a space) find 蜂蜜 too.
    """
    terms = set(text_terms(name))
    han = "".join(re.findall(rf"[{_HAN}]+", normalise(name)))
    if han:
        full, initials = pinyin_of(han)
        terms.update(_cut(full) for full in [full, initials] if len(full) > 1)
        terms.update(syllable for syllable in lazy_pinyin(han, errors="ignore") if syllable)
    return frozenset(terms)


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
