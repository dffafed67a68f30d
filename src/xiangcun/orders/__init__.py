"""Carts, checkout, orders with lines per seller, the order lifecycle and returns."""
