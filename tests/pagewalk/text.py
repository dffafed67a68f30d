"""What a reader sees of a page, and the words in it that are in the other language.

Visible text is the text outside <script>, <style> and <template>, plus the attributes a
reader meets (title, alt, placeholder, aria-label, and the value of a button)."""

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# A Latin word of three letters or more, standing alone (not inside a code such as DZ2611-0001,
# an e-mail address or a link, which the tokeniser below keeps whole).
LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’]{2,}$")
TOKEN = re.compile(r"[^\s\u3000-\u303f\uff00-\uffef\u2000-\u206f\u4e00-\u9fff()\[\]{}<>,;:!?\"“”|/·•×→←+=*#…]+")

HIDDEN_TAGS = frozenset({"script", "style", "template", "svg"})
READ_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label"})


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden += 1
            return
        if self._hidden:
            return
        values = dict(attrs)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HIDDEN_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS and self._hidden:
            self._hidden -= 1

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
    for token in TOKEN.findall(text):
        token = token.strip(".-_'’%")
        if LATIN_WORD.match(token):
            words.append(token)
    return words
