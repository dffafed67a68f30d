"""A document's JSON-LD @context, read the way JSON-LD 1.1 reads it: refused with a reason when
it is not valid (a protected EPCIS term redefined, a term whose @id is not a string, a remote
context we do not hold), else the prefixes and terms it defines, for the CBV 2.0 event hash.

Only GS1's context is ever loaded (from `standards/`); nothing is fetched.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from xiangcun.traceability.epcis.standards import KNOWN_CONTEXT_URLS, epcis_context

# JSON-LD error codes (JSON-LD 1.1 API, section 9.4.2) we explain in plain words.
_REASONS = {
    "protected term redefinition": "redefines a term the GS1 EPCIS context protects "
    "(JSON-LD 1.1 forbids redefining a protected term unless the definition is identical)",
    "invalid IRI mapping": "defines a term whose @id is not an IRI string",
    "invalid term definition": "holds a term definition that is not valid JSON-LD",
    "invalid local context": "holds an entry that is neither a context URL nor an object",
    "invalid scoped context": "holds a term whose scoped @context is not valid",
    "invalid context entry": "holds an entry JSON-LD does not allow in a context",
    "invalid context nullification": "nullifies a context that holds protected terms",
    "keyword redefinition": "redefines a JSON-LD keyword",
    "invalid keyword alias": "aliases a JSON-LD keyword in a way JSON-LD does not allow",
    "cyclic IRI mapping": "defines terms whose IRIs refer to each other in a cycle",
    "invalid vocab mapping": "sets @vocab to something that is not an IRI",
    "invalid base IRI": "sets @base to something that is not an IRI",
    "invalid version value": "sets @version to something other than 1.1",
    "processing mode conflict": "asks for a JSON-LD processing mode we do not support",
}


class ContextNotAvailableError(Exception):
    """The @context names a remote document we do not hold."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class ContextProblem(Exception):  # noqa: N818 - a refusal, shown to the client
    """The @context is not valid JSON-LD; `reason` says why (English), `term` names the term
    at fault when there is one, `code` is the JSON-LD error code."""

    def __init__(self, *, reason: str, code: str = "", term: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.term = term


@dataclass(frozen=True)
class ContextTerms:
    """What a valid document @context defines beyond GS1's context.

    namespaces: prefix -> namespace IRI, the prefixes `prefix:name` keys and values expand
    with; terms: bare term -> the IRI it stands for.
    """

    namespaces: dict[str, str]
    terms: dict[str, str]


def load_known_context(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves GS1's context from our copy and nothing else."""
    if url in KNOWN_CONTEXT_URLS:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": epcis_context(),
        }
    raise ContextNotAvailableError(url)


# pyld's own default loader fetches any URL with requests: any call of pyld in this process
# that names no loader (the hash generator's `jsonld.expand`, code yet to come) gets ours.
jsonld.set_document_loader(load_known_context)


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def context_problem_from(error: BaseException) -> ContextProblem | ContextNotAvailableError:
    """The refusal a pyld error stands for (the innermost JSON-LD error code explains it)."""
    code = ""
    details: Any = None
    for cause in _causes(error):
        if isinstance(cause, ContextNotAvailableError):
            return cause
        if isinstance(cause, jsonld.JsonLdError) and cause.code:
            code = str(cause.code)
            details = cause.details
    term = details.get("term") if isinstance(details, dict) else None
    if code == "protected term redefinition" and term is None:
        term = _redefined_term(details)
    reason = "@context " + _REASONS.get(code, f"is not valid JSON-LD ({code or 'unreadable'})")
    if isinstance(term, str):
        reason += f": {term!r}"
    return ContextProblem(reason=reason, code=code, term=term if isinstance(term, str) else None)


def _redefined_term(details: Any) -> str | None:
    local = details.get("context") if isinstance(details, dict) else None
    if not isinstance(local, dict):
        return None
    protected = epcis_context()["@context"]
    for key in local:
        if key in protected and local[key] != protected[key]:
            return str(key)
    return None


@cache
def _epcis_keys() -> frozenset[str]:
    """Every key GS1's context defines, scoped contexts included: such a term keeps GS1's
    meaning in the hash even when a document repeats its definition."""
    keys: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)

    walk(epcis_context())
    return frozenset(keys)


def _entries(context: Any) -> list[Any]:
    return context if isinstance(context, list) else [context]


class _KnownContextsOnly(dict[str, Any]):
    """pyld's resolver files every inline context it meets in the shared cache it is given:
    kept, any client could grow the process without bound. Only GS1's URLs are kept."""

    def __setitem__(self, key: str, value: Any) -> None:
        if key in KNOWN_CONTEXT_URLS:
            super().__setitem__(key, value)


# GS1's context, once resolved, for every later reading (only known URLs ever get in).
_resolved: dict[str, Any] = _KnownContextsOnly()

# Bounds on what is processed: JSON-LD processing of nested scoped contexts takes more than
# linear time (150 levels took seconds, 400 half a minute). GS1's own context is 15 kB and 8
# levels deep.
CONTEXT_MAX_DEPTH = 16
CONTEXT_MAX_CHARS = 65_536


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursing."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            depth += 1
            deepest = max(deepest, depth)
            pending.extend((child, depth) for child in item)
    return deepest


def context_terms(context: Any) -> ContextTerms:
    """Process `context` as JSON-LD 1.1 does (GS1's context served locally) and return the
    prefixes and terms its inline entries define. Raises ContextProblem or
    ContextNotAvailableError."""
    if json_depth(context) > CONTEXT_MAX_DEPTH:
        raise ContextProblem(reason=f"@context is nested more than {CONTEXT_MAX_DEPTH} levels deep")
    try:
        key = json.dumps(context, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ContextProblem(reason="@context is not JSON") from error
    if len(key) > CONTEXT_MAX_CHARS:
        raise ContextProblem(
            reason=f"@context is too large (more than {CONTEXT_MAX_CHARS} characters)"
        )
    return _context_terms(key)


@lru_cache(maxsize=256)
def _context_terms(key: str) -> ContextTerms:
    context = json.loads(key)
    processor = jsonld.JsonLdProcessor()
    options: dict[str, Any] = {
        "documentLoader": load_known_context,
        "contextResolver": ContextResolver(_resolved, load_known_context),
        "processingMode": "json-ld-1.1",
        "base": None,
    }
    try:
        active = processor.process_context(
            processor._get_initial_context(options), context, options
        )
    except ContextNotAvailableError:
        raise
    except (jsonld.JsonLdError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise context_problem_from(error) from error
    mappings: dict[str, Any] = active.get("mappings", {})
    namespaces: dict[str, str] = {}
    terms: dict[str, str] = {}
    for entry in _entries(context):
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            if isinstance(value, str):
                # As the hash generator always read them: any string-valued entry names a
                # namespace (hashes stored before object entries were understood stay equal).
                namespaces[key] = value
            mapping = mappings.get(key)
            if key.startswith("@") or not isinstance(mapping, dict):
                continue
            iri = mapping.get("@id")
            if not isinstance(iri, str):
                continue
            if mapping.get("_prefix") and key not in namespaces:
                namespaces[key] = iri
            if ":" not in key and not mapping.get("_prefix") and key not in _epcis_keys():
                terms[key] = iri
    return ContextTerms(namespaces=namespaces, terms=terms)
