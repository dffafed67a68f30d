"""Shared kernel: errors, base models and small helpers every app may use."""
