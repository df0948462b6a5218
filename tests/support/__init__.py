"""Helpers for the tests only (never imported by the package)."""
