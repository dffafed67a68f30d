"""GS1 EPCIS 2.0 for the traceability app: validation, business rules, event hashes, queries
and serialisation. Internal to traceability; other apps use `traceability.services` and
`traceability.selectors`."""
