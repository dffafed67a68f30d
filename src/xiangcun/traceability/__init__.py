"""Lots from harvest to the buyer, as GS1 EPCIS 2.0 events; Digital Link, QR labels, trace pages."""
