"""Dagster definitions for Gongkai: thin assets over"
" ``pipeline/`` (see the README, "Operating the pipeline")."""
