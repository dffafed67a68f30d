"""CBV 2.0 event hash IDs (`ni:///sha-256;...?ver=CBV2.0`) with the GS1-community
`epcis-event-hash-generator` package, fed our shipped context so nothing is fetched.

The generator expands the JSON-LD (to turn bare CBV names into web URIs) and keeps module
globals while it runs, so calls are serialised with a lock. Its own reading of the @context
understands only `"prefix": "IRI"` entries (an object entry such as `{"@id": ...}` crashed
it), so we read the @context ourselves (`context.context_terms`) and hand it the prefixes;
bare terms an entry defines are written as `{namespace}name`, as a prefixed name would be.
"""

import copy
import logging
import threading
from typing import Any

from epcis_event_hash_generator import (
    hash_generator,
    json_to_py,
    json_xml_model_mismatch_correction,
)
from pyld import jsonld

from xiangcun.traceability.epcis.context import (
    ContextNotAvailableError,
    ContextProblem,
    context_problem_from,
    context_terms,
    load_known_context,
)

__all__ = ["ContextNotAvailableError", "ContextProblem", "event_hash", "event_hashes"]

_lock = threading.Lock()

_library_format_numeric = hash_generator._try_format_numeric


def _format_numeric(text: str) -> str:
    """The generator writes numbers in a canonical form with `int(float(text))`, which raises
    OverflowError (it catches only ValueError) for text such as "1E+999999" or "-Infinity" in
    any field, a tracking number or a reason: such text is kept as it is."""
    try:
        return str(_library_format_numeric(text))
    except OverflowError:
        return text


hash_generator._try_format_numeric = _format_numeric


def _clark(iri: str) -> str:
    """`https://example.org/ns#term` as the generator writes a prefixed name:
    `{https://example.org/ns#}term`."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    if cut < 0 or cut == len(iri) - 1:
        return iri
    return "{" + iri[: cut + 1] + "}" + iri[cut + 1 :]


def _terms_written_out(value: Any, terms: dict[str, str]) -> Any:
    """`value` with each key that is a bare term written as its `{namespace}name`
    (an embedded @context is left as it is)."""
    if isinstance(value, list):
        return [_terms_written_out(item, terms) for item in value]
    if not isinstance(value, dict):
        return value
    written: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@context":
            written[key] = item
        else:
            written[_clark(terms[key]) if key in terms else key] = _terms_written_out(item, terms)
    return written


def _parse(document: dict[str, Any], context: Any) -> Any:
    """The generator's `event_list_from_epcis_document_json`, with our reading of the
    @context in place of its own."""
    read = context_terms(context)
    expanded = json_to_py._bare_string_pre_preocessing(document)
    json_to_py._namespaces.clear()
    json_to_py._namespaces.update(
        {prefix: "{" + iri + "}" for prefix, iri in read.namespaces.items()}
    )
    events = [
        json_xml_model_mismatch_correction.deep_structure_correction(
            json_to_py._json_to_py(_terms_written_out(event, read.terms))
        )
        for event in expanded["epcisBody"]["eventList"]
    ]
    return ("EventList", "", events)


def event_hashes(*, events: list[dict[str, Any]], context: Any) -> list[str]:
    """The CBV 2.0 hash ID of each event, in order, read with the document's @context.

    Raises ContextNotAvailableError (a remote context we do not hold) or ContextProblem
    (the @context, or an event's own, is not valid JSON-LD)."""
    if not events:
        return []
    document = {
        "@context": copy.deepcopy(context),
        "type": "EPCISDocument",
        "epcisBody": {"eventList": copy.deepcopy(events)},
    }
    with _lock:
        previous = jsonld.get_document_loader()
        jsonld.set_document_loader(load_known_context)
        # The generator logs every event at INFO on the root logger: costly and noisy.
        logging_was = logging.root.manager.disable
        logging.disable(logging.INFO)
        try:
            parsed = _parse(document, context)
            hashes: list[str] = hash_generator.epcis_hashes_from_events(parsed)
        except (ContextNotAvailableError, ContextProblem):
            raise
        except jsonld.JsonLdError as error:
            raise context_problem_from(error) from error
        finally:
            json_to_py._namespaces.clear()
            logging.disable(logging_was)
            jsonld.set_document_loader(previous)
    if len(hashes) != len(events):
        raise ValueError("the hash generator could not read every event")
    return hashes


def event_hash(*, event: dict[str, Any], context: Any) -> str:
    return event_hashes(events=[event], context=context)[0]
