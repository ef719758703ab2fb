"""Dagster definitions for Gongkai: thin assets over ``pipeline/`` (see docs/operations.md)."""
