"""CBV 2.0 event hash IDs (`ni:///sha-256;...?ver=CBV2.0`) with the GS1-community
`epcis-event-hash-generator` package, fed our shipped context so nothing is fetched.

The generator expands the JSON-LD (to turn bare CBV names into web URIs) and keeps module
globals while it runs, so calls are serialised with a lock.
"""

import copy
import logging
import threading
from typing import Any

from epcis_event_hash_generator import hash_generator, json_to_py
from pyld import jsonld

from xiangcun.traceability.epcis.standards import KNOWN_CONTEXT_URLS, epcis_context

_lock = threading.Lock()


class ContextNotAvailableError(Exception):
    """The event's @context names a remote document we do not hold."""


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url in KNOWN_CONTEXT_URLS:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": epcis_context(),
        }
    raise ContextNotAvailableError(url)


def event_hashes(*, events: list[dict[str, Any]], context: Any) -> list[str]:
    """The CBV 2.0 hash ID of each event, in order, read with the document's @context."""
    if not events:
        return []
    document = {
        "@context": copy.deepcopy(context),
        "type": "EPCISDocument",
        "epcisBody": {"eventList": copy.deepcopy(events)},
    }
    with _lock:
        previous = jsonld.get_document_loader()
        jsonld.set_document_loader(_loader)
        # The generator logs every event at INFO on the root logger: costly and noisy.
        logging_was = logging.root.manager.disable
        logging.disable(logging.INFO)
        try:
            json_to_py._namespaces.clear()
            parsed = json_to_py.event_list_from_epcis_document_json(document)
            hashes: list[str] = hash_generator.epcis_hashes_from_events(parsed)
        finally:
            logging.disable(logging_was)
            jsonld.set_document_loader(previous)
    if len(hashes) != len(events):
        raise ValueError("the hash generator could not read every event")
    return hashes


def event_hash(*, event: dict[str, Any], context: Any) -> str:
    return event_hashes(events=[event], context=context)[0]
