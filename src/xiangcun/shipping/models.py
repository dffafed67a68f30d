"""Carriers, their services and rate tables (filled in by the shipping work)."""
