"""The fuzz driver: wide strategies per argument type, and the check every call must pass.

A target is a public service function plus plausible values for some of its arguments (ids
of real rows, a valid phone...). Each example calls it with arguments drawn from its
signature: plausible values, with a few arguments swapped for wide ones of the same type
(unicode with lone surrogates and NUL, 100,000-character strings, integers past 64 bits,
Decimal NaN, sNaN, infinities and huge exponents, dates from year 1 to 9999). The call must
either succeed or raise a `XiangcunError`, and a refused call must leave every table as it
was.
"""

import functools
import inspect
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from hypothesis import given, note, settings
from hypothesis import strategies as st

from xiangcun.core.errors import XiangcunError

FUZZ = settings(settings.get_profile("xiangcun-fuzz"))

# --- Wide values per type -------------------------------------------------------------------

ANY_CHARACTER = st.characters(exclude_categories=())  # lone surrogates and NUL included
ODD_CHARACTERS = ["\x00", "\ud800", "\udfff", "\ud83d", "\u202e", "\ufeff", "\u200b", "\n", "　"]
ODD_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udc00y",
    "\t\r\n",
    "\u3000",
    "".join(chr(0xFF10 + digit) for digit in range(10)),  # full-width, as Chinese IMEs type
    "".join(chr(0x0660 + int(c)) for c in "13800138000"),  # Arabic-Indic: \d matches them
    "".join(chr(0x1D7CE + int(c)) for c in "13800138000"),  # mathematical bold
    "NaN",
    "-Infinity",
    "1E+999999",
    "-1",
    "99999999999999999999999",
    "' OR 1=1 --",
    "%(code)s %s {0}",
    "<script>alert(1)</script>",
    "x" * 65,
    "丹" * 300,
    "x" * 100_000,
]
BIG_INTEGERS = [
    0,
    -1,
    1,
    2**31 - 1,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    2**64,
    -(2**63),
    -(2**63) - 1,
    10**30,
    -(10**30),
]
ODD_DECIMALS = [
    Decimal(text)
    for text in [
        "NaN",
        "-NaN",
        "sNaN",
        "Infinity",
        "-Infinity",
        "0",
        "-0",
        "0.001",
        "0.005",
        "-0.01",
        "1E+999999",
        "1E-999999",
        "-1E+30",
        "99999999999999.99",
        "100000000000000",
        "1E+2",
    ]
]


def full_width(digits: str) -> str:
    """Digits in full width, as a Chinese input method types them."""
    return "".join(chr(0xFF10 + int(digit)) for digit in digits)


def _spliced(good: str, odd: str, at: int) -> str:
    at %= len(good) + 1
    return good[:at] + odd + good[at:]


# texts(*good) strategies, by id: (the good values alone, the wide values alone). The driver
# draws an argument it does not widen from the first, one it widens from the second.
_TEXT_PARTS: dict[int, tuple[st.SearchStrategy[str], st.SearchStrategy[str]]] = {}


def texts(*good: str) -> st.SearchStrategy[str]:
    """Half the time one of the good values as given, else wide text (good values with an odd
    character spliced in, odd strings, any characters). As a target's plausible value, the
    driver takes the good values unless it widens the argument."""
    wide: list[st.SearchStrategy[str]] = [
        st.sampled_from(ODD_STRINGS),
        st.text(ANY_CHARACTER, max_size=40),
        st.text(max_size=400),
    ]
    if good:
        wide.append(
            st.builds(
                _spliced, st.sampled_from(good), st.sampled_from(ODD_CHARACTERS), st.integers()
            )
        )
        plain, widened = st.sampled_from(good), st.one_of(wide)
        mixed = st.one_of(plain, widened)
        _TEXT_PARTS[id(mixed)] = (plain, widened)
        return mixed
    return st.one_of(wide)


def integers() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(BIG_INTEGERS), st.integers(), st.integers(-(2**80), 2**80))


def decimals() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.sampled_from(ODD_DECIMALS),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.decimals(min_value=-(10**16), max_value=10**16, places=3),
    )


def dates() -> st.SearchStrategy[date]:
    return st.one_of(st.sampled_from([date.min, date.max]), st.dates())


def datetimes() -> st.SearchStrategy[datetime]:
    """Aware datetimes (the project's rule), from year 1 to 9999, in odd offsets too."""
    offsets = st.sampled_from(
        [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-12, minutes=-30))]
    )
    return st.one_of(
        st.sampled_from([datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)]),
        st.datetimes(timezones=offsets),
    )


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        integers(),
        st.floats(),
        st.text(ANY_CHARACTER, max_size=20),
        st.sampled_from(ODD_STRINGS[:-1]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.text(ANY_CHARACTER, max_size=10), inner, max_size=4),
        ),
        max_leaves=12,
    )


def int_pairs() -> st.SearchStrategy[list[tuple[int, int]]]:
    return st.lists(st.tuples(integers(), integers()), max_size=4)


# Wide strategies keyed by the annotation as the signature spells it. A parameter whose type
# is not here (users, model instances, callables) takes only the plausible values given.
WIDE: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "str": texts,
    "int": integers,
    "bool": st.booleans,
    "Decimal": decimals,
    "date": dates,
    "datetime": datetimes,
    "dict[str, Any]": lambda: st.dictionaries(st.text(ANY_CHARACTER, max_size=12), json_values()),
    "list[tuple[int, int]]": int_pairs,
    "dict[int, int]": lambda: st.dictionaries(integers(), integers(), max_size=3),
}


def _spelling(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    for prefix in ("decimal.", "datetime.", "typing.", "collections.abc."):
        text = text.replace(prefix, "")
    return text


def wide_for(annotation: Any) -> st.SearchStrategy[Any] | None:
    """Wide values of the type an annotation names (unions and `| None` included)."""
    choices = []
    for part in _spelling(annotation).split(" | "):
        if part == "None":
            choices.append(st.none())
        elif part in WIDE:
            choices.append(WIDE[part]())
        else:
            return None
    return st.one_of(choices) if choices else None


# --- Targets --------------------------------------------------------------------------------


@dataclass
class Target:
    """A service function, plausible values for some arguments, and what a refusal may keep.

    `plausible` maps an argument to a strategy of values that should get the call past its
    first check. `bookkeeping` names tables a refused call may change on purpose (a failed
    login counts the failure).
    """

    function: Callable[..., Any]
    plausible: Mapping[str, st.SearchStrategy[Any]] = field(default_factory=dict)
    bookkeeping: tuple[str, ...] = ()
    # For `**fields` functions (product_update...): a strategy of the keyword dict to add.
    fields: st.SearchStrategy[dict[str, Any]] | None = None
    # Arguments the platform makes, never a user (an order number, the time of an event):
    # they take only their plausible values.
    narrow: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.function.__name__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.name)  # Hypothesis's report: the name, not every strategy


@st.composite
def arguments_for(draw: st.DrawFn, target: Target) -> dict[str, Any]:
    """Keyword arguments: plausible ones, with up to three swapped for wide values."""
    parameters = {
        name: parameter
        for name, parameter in inspect.signature(target.function).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    wide = {name: wide_for(p.annotation) for name, p in parameters.items()}
    widenable = sorted(
        name
        for name, strategy in wide.items()
        if strategy is not None and name not in target.narrow
    )
    widened = set(draw(st.lists(st.sampled_from(widenable), max_size=3, unique=True)))
    arguments: dict[str, Any] = {}
    for name, parameter in parameters.items():
        parts = _TEXT_PARTS.get(id(target.plausible.get(name)))
        if name in widened:
            strategy = parts[1] if parts else wide[name]
        elif name in target.plausible:
            strategy = parts[0] if parts else target.plausible[name]
        elif parameter.default is inspect.Parameter.empty:
            strategy = wide[name]
        else:
            continue  # an optional argument left at its default
        if strategy is None:
            raise LookupError(f"{target.name}: give plausible values for {name!r}")
        arguments[name] = draw(strategy, label=name)
    if target.fields is not None:
        arguments.update(draw(target.fields, label="fields"))
    return arguments


def updates(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of the given fields, for an `<entity>_update(**fields)` service."""
    return st.fixed_dictionaries({}, optional=fields)


# --- The check ------------------------------------------------------------------------------

# Tables outside the project's reach: sessions, the admin log, and RQ's empty stand-in model.
_UNWATCHED = {"sessions", "admin", "contenttypes", "django_rq"}


def db_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the project writes (raw SQL: the ORM would triple the cost)."""
    state = {}
    with connection.cursor() as cursor:
        for table in _watched_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            state[table] = sorted(cursor.fetchall(), key=repr)
    return state


@functools.cache
def _watched_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in _UNWATCHED
    )


class _RollbackError(Exception):
    pass


@contextmanager
def example_isolated() -> Iterator[None]:
    """Run one example in a savepoint that is rolled back, with an empty cache."""
    cache.clear()
    try:
        with transaction.atomic():
            yield
            raise _RollbackError
    except _RollbackError:
        pass


OUTCOMES: Counter[tuple[str, str]] = Counter()


def call_checked(target: Target, arguments: dict[str, Any]) -> Any:
    """Call the target: it may succeed or refuse with a XiangcunError that wrote nothing.

    Any other exception propagates and fails the test with the arguments Hypothesis drew."""
    note(f"{target.name}({_short(arguments)})")
    before = db_state()
    try:
        result = target.function(**arguments)
    except XiangcunError as error:
        refusal = error
    else:
        refusal = None
    if refusal is not None:
        kept = {apps.get_model(label)._meta.db_table for label in target.bookkeeping}
        after = db_state()
        changed = sorted(
            table
            for table in before.keys() | after.keys()
            if before.get(table) != after.get(table) and table not in kept
        )
        assert not changed, f"{target.name} refused ({refusal.code}) but changed {changed}"
        OUTCOMES[target.name, refusal.code] += 1
        return refusal
    # Foreign keys are checked at commit, which a test never reaches: check them now, so a
    # row pointing at nothing fails here rather than as a 500 in production.
    connection.check_constraints()
    OUTCOMES[target.name, "ok"] += 1
    return result


def _short(arguments: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value!r:.120}" for name, value in arguments.items())


def run_one(data: st.DataObject, targets: list[Target]) -> Any:
    """Draw a target and its arguments, call it in an isolated savepoint."""
    target = data.draw(st.sampled_from(targets), label="target")
    arguments = data.draw(arguments_for(target), label="arguments")
    with example_isolated():
        return call_checked(target, arguments)


def fuzz(targets: list[Target], *, profile: settings = FUZZ) -> dict[str, Counter[str]]:
    """Run the profile's examples over the targets; answer what each target answered ("ok" or
    the refusal codes, with counts). Fails if a target was never called."""
    OUTCOMES.clear()

    @profile
    @given(data=st.data())
    def examples(data: st.DataObject) -> None:
        run_one(data, targets)

    examples()
    table: dict[str, Counter[str]] = {target.name: Counter() for target in targets}
    for (name, outcome), count in OUTCOMES.items():
        table[name][outcome] += count
    never = sorted(name for name, answers in table.items() if not answers)
    assert not never, f"never called: {never}"
    return table
