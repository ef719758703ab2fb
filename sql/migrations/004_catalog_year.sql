-- 004: the year the crawl catalog's list title gives beside the year the report prints.
-- The list-title year keys the district x year partition (it is all the crawler and the sensor
-- see); the printed year is dim_report.year, the one the marts compare. marts.quality lists
-- every district-government report on which they disagree.

ALTER TABLE core.dim_report ADD COLUMN catalog_year INTEGER;
COMMENT ON COLUMN core.dim_report.catalog_year IS '目录年度：门户列表标题中的年度，决定报告所在的区县×年度分区；与报告所印年度 year 不同时见 marts.quality (year in the portal list title; keys the district x year partition; marts.quality lists reports where it differs from the printed year)';
