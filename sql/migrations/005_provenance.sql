-- 005: provenance. When each document was published and how we know it (the date the portal
-- prints beside the title or in the article, else the server's Last-Modified), for the crawl
-- catalog and for each report version.

ALTER TABLE raw.documents ADD COLUMN published_at TIMESTAMPTZ;
ALTER TABLE raw.documents ADD COLUMN published_source VARCHAR;
COMMENT ON COLUMN raw.documents.published_at IS '发布时间：门户所印日期（北京时间），无印出日期时取 Last-Modified；见 published_source (publication time: the date the portal prints, Beijing time, else the Last-Modified header; see published_source)';
COMMENT ON COLUMN raw.documents.published_source IS '发布时间来源：article_meta 文章元数据（如 <meta name="PubDate">）/ article_text 文章所印发布时间 / list_page 列表页标题旁日期 / last_modified 服务器 Last-Modified 头（非发布机关所印）/ 空为未知 (where published_at comes from: article metadata, the date printed in the article, the date beside the title on the list page, or the Last-Modified header, which is not a date the publisher printed; null when unknown)';

ALTER TABLE core.dim_report ADD COLUMN published_source VARCHAR;
ALTER TABLE core.dim_report ADD COLUMN published_on DATE;
COMMENT ON COLUMN core.dim_report.published_at IS '发布时间：报告文章所印日期（北京时间），无印出日期时取 Last-Modified，见 published_source；用于判断最新版本 (publication time of the report''s article: the printed date, Beijing time, else Last-Modified, see published_source; decides the newest version)';
COMMENT ON COLUMN core.dim_report.published_source IS '发布时间来源：article_meta / article_text / list_page 为门户所印日期，last_modified 为服务器文件时间，空为未知 (source of published_at: article_meta, article_text, list_page are dates the portal prints; last_modified is the server''s file time; null when unknown)';
COMMENT ON COLUMN core.dim_report.published_on IS '发布日期：published_at 的北京时间日历日 (calendar date of published_at in Beijing time)';
