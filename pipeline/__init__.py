"""Gongkai: government information-disclosure annual reports into a DuckDB warehouse.

The library is plain Python (no Dagster imports): crawl portals, archive documents,
extract each report's tables into the facts contract, load the warehouse.
"""
