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
    "黑毛猪", "蓝莓", "土蜂蜜", "扶贫", "排莫", "鸟笼", "刺绣", "红米", "古法", "明前",
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


def _singular(word: str) -> tuple[str, ...]:
    """An English plural's singular as well (blueberries -> blueberry, bags -> bag), so the
    singular a shopper types finds the plural of a name (prefix matching cannot)."""
    if len(word) > 4 and word.endswith("ies"):
        return (word[:-3] + "y",)
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return (word[:-1],)
    return ()


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
def _terms_cached(text: str, pinyin: bool = True) -> frozenset[str]:
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
            terms.update(_singular(latin))
    return frozenset(_cut(term) for term in terms)


def text_terms(text: str, *, pinyin: bool = True) -> frozenset[str]:
    """Every term a piece of text is found by; without `pinyin`, its words and characters only
    (descriptions: shoppers type pinyin for what goods are called, not for how they are told)."""
    return _terms_cached(text, pinyin) if text else frozenset()


# Names longer than this (in Chinese characters) get no suffix pinyin past it.
NAME_SUFFIXES_MAX = 12


@lru_cache(maxsize=50_000)
def name_terms(name: str) -> frozenset[str]:
    """A product name's terms, plus the pinyin of each character and of every suffix of it.

    The pinyin and initials of each suffix (丹寨古法红米: danzhaigufahongmi, gufahongmi, ...,
    hongmi, mi; dzgfhm, ..., hm) let any run of the name typed as pinyin or initials match by
    prefix however jieba cut it (`hongmi` and `hm` find 红米 inside it); single-syllable pinyin
    lets `feng mi` (typed with a space) find 蜂蜜 too.
    """
    terms = set(text_terms(name))
    han = "".join(re.findall(rf"[{_HAN}]+", normalise(name)))
    if han:
        syllables = [syllable for syllable in lazy_pinyin(han, errors="ignore") if syllable]
        terms.update(syllables)
        for start in range(min(len(syllables), NAME_SUFFIXES_MAX)):
            rest = syllables[start:]
            terms.add(_cut("".join(rest)))
            if len(rest) > 1:
                terms.add(_cut("".join(syllable[0] for syllable in rest)))
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


# A Latin part this short is initials or a syllable: no spelling to correct.
TYPO_MIN_LENGTH = 4
# At most this many one-letter-off spellings are tried (each is one more index lookup).
TYPO_MAX_VARIANTS = 200
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from the common CJK block)."""
    han = "".join(chr(code) for code in range(0x4E00, 0x9FA6))
    found = lazy_pinyin(han, errors="ignore")
    # Only syllables with a vowel: interjections such as m, n, hm would make any run pinyin.
    return frozenset(s for s in found if s.isascii() and s.isalpha() and set(s) & set("aeiouv"))


def _is_pinyin(word: str) -> bool:
    """Whether `word` is a run of whole pinyin syllables (liangshan, fengmi)."""
    syllables = _syllables()
    ends = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        ends[end] = any(
            ends[start] and word[start:end] in syllables for start in range(max(0, end - 6), end)
        )
    return ends[-1]


@lru_cache(maxsize=10_000)
def typo_variants(part: str) -> tuple[str, ...]:
    """Pinyin one letter off `part` (a letter missing, extra, wrong, or two swapped) that are
    whole syllables: `fenmgi` -> fengmi, `hongmii` -> hongmi. Nothing for Chinese or short parts."""
    if len(part) < TYPO_MIN_LENGTH or not part.isascii() or not part.isalpha():
        return ()
    # Likeliest first: two letters swapped, one missing, then a vowel extra or wrong, then a
    # consonant extra or wrong. The first letter is taken as typed.
    swapped: list[str] = []
    dropped: list[str] = []
    vowels: list[str] = []
    consonants: list[str] = []
    for i in range(1, len(part) + 1):
        head, tail = part[:i], part[i:]
        if tail:
            dropped.append(head + tail[1:])
            if len(tail) > 1:
                swapped.append(head + tail[1] + tail[0] + tail[2:])
        for letter in _LETTERS:
            edits = vowels if letter in "aeiouv" else consonants
            edits.append(head + letter + tail)
            if tail:
                edits.append(head + letter + tail[1:])
    found = [
        edit
        for edit in dict.fromkeys([*swapped, *dropped, *vowels, *consonants])
        if edit != part and len(edit) > 1 and _is_pinyin(edit)
    ]
    return tuple(found[:TYPO_MAX_VARIANTS])
