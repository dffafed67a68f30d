"""Sellers and their shops: farmers, co-operatives, craft makers, industrial makers, county shop."""
