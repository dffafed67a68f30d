"""What a reader sees of a page, and the words in it that are in the other language.

Visible text is the text outside <script>, <style> and <template>, plus the attributes a
reader meets (title, alt, placeholder, aria-label, and the value of a button). Left out: what a
person typed into a <textarea> (it is theirs, in their language) and the brand mark (乡, a
logo drawn in type, aria-hidden)."""

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# A Latin word of three letters or more, standing alone (not inside a code such as DZ2611-0001,
# an e-mail address or a link, which the tokeniser below keeps whole).
LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'\u2019]{2,}$")
# Tokens: runs of anything but spaces, CJK text and punctuation (a dot or a dash stays inside,
# so codes, decimals and dates come out whole).
TOKEN = re.compile(
    r"[^\s\u3000-\u303f\uff00-\uffef\u2000-\u206f\u4e00-\u9fff"
    r"()\[\]{}<>,;:!?\"|/\u00b7\u00d7\u2190-\u21ff+=*#]+"
)

HIDDEN_TAGS = frozenset({"script", "style", "template", "svg", "textarea"})
HIDDEN_CLASSES = frozenset({"brand-mark"})
URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
READ_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label"})


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._hidden_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in HIDDEN_TAGS or HIDDEN_CLASSES & set(str(values.get("class") or "").split()):
            self._hidden += 1
            self._hidden_tags.append(tag)
            return
        if self._hidden:
            if tag == self._hidden_tags[-1]:
                self._hidden += 1
                self._hidden_tags.append(tag)
            return
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden and tag not in HIDDEN_TAGS:
            values = dict(attrs)
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self.parts.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and tag == self._hidden_tags[-1]:
            self._hidden -= 1
            self._hidden_tags.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    """The pieces of text a reader sees, in page order."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return [" ".join(part.split()) for part in parser.parts]


def han_runs(text: str) -> list[str]:
    return HAN.findall(text)


def latin_words(text: str) -> list[str]:
    """The English-looking words of a text: tokens of letters only, three or more."""
    words = []
    for token in TOKEN.findall(URL.sub(" ", text)):
        token = token.strip(".-_'%\u2019")
        if LATIN_WORD.match(token):
            words.append(token)
    return words
