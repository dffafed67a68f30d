"""Shipping: national carriers' services, rate tables and the fee and days a parcel costs."""
