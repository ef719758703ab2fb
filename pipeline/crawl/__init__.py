"""The crawler: district portals → content-addressed archive + per-portal JSON Lines catalog."""

from pipeline.crawl.catalog import current_documents
from pipeline.crawl.runner import CrawlSummary, PortalResult, crawl, crawl_portal

__all__ = ["CrawlSummary", "PortalResult", "crawl", "crawl_portal", "current_documents"]
