"""The GS1 artefacts shipped in `traceability/standards/` (no network at run time)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

STANDARDS_DIR = Path(__file__).resolve().parent.parent / "standards"

# The context URL we write in our own documents, and the ones we know to mean the same
# thing (GS1 publishes the context at several addresses; the "simple" one is used in GS1's
# examples).
EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
KNOWN_CONTEXT_URLS = frozenset(
    {
        EPCIS_CONTEXT_URL,
        "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context.jsonld",
        "https://gs1.github.io/EPCIS/epcis-context-simple.jsonld",
    }
)


@cache
def epcis_schema() -> dict[str, Any]:
    with (STANDARDS_DIR / "EPCIS-JSON-Schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def epcis_context() -> dict[str, Any]:
    with (STANDARDS_DIR / "epcis-context.jsonld").open(encoding="utf-8") as handle:
        context: dict[str, Any] = json.load(handle)
    return context
