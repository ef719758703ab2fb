-- marts.revisions: what changed after publication. For a report republished in a new version
-- (same district, year, agency kind and agency: core.dim_report's version group), one row per
-- cell whose value differs between a version and the version published before it: a changed
-- value, a cell printed blank in one and with a value in the other, or a cell only one prints.
-- Versions are ordered by publication time (else first-seen, then extraction time); failed and
-- unsupported versions, which hold no cells, are left out.
-- depends:

CREATE OR REPLACE TABLE marts.revisions AS
WITH versions AS (
    SELECT report_id, division_code, year, agency_kind, version_key, agency,
           published_at, published_source,
           row_number() OVER (
               PARTITION BY division_code, year, agency_kind, version_key
               ORDER BY coalesce(published_at, first_seen, extracted_at), report_id
           ) AS version_no
    FROM core.dim_report
    WHERE year IS NOT NULL AND status IN ('ok', 'flagged', 'partial')
),
pairs AS (
    SELECT n.division_code, n.year, n.agency_kind, n.agency, n.version_no,
           o.report_id AS old_report_id, n.report_id AS new_report_id,
           o.published_at AS old_published_at, o.published_source AS old_published_source,
           n.published_at AS new_published_at, n.published_source AS new_published_source
    FROM versions n
    JOIN versions o
      ON o.division_code = n.division_code AND o.year = n.year
     AND o.agency_kind = n.agency_kind AND o.version_key = n.version_key
     AND o.version_no = n.version_no - 1
),
old_cells AS (
    SELECT p.old_report_id, p.new_report_id, c.fact_table, c.row_code, c.column_code,
           c.count, c.amount_wan_yuan, c.raw
    FROM pairs p JOIN core.report_cells c ON c.report_id = p.old_report_id
),
new_cells AS (
    SELECT p.old_report_id, p.new_report_id, c.fact_table, c.row_code, c.column_code,
           c.count, c.amount_wan_yuan, c.raw
    FROM pairs p JOIN core.report_cells c ON c.report_id = p.new_report_id
),
compared AS (
    SELECT coalesce(o.old_report_id, n.old_report_id) AS old_report_id,
           coalesce(o.new_report_id, n.new_report_id) AS new_report_id,
           coalesce(o.fact_table, n.fact_table) AS fact_table,
           coalesce(o.row_code, n.row_code) AS row_code,
           coalesce(o.column_code, n.column_code) AS column_code,
           o.count AS old_count, n.count AS new_count,
           o.amount_wan_yuan AS old_amount_wan_yuan, n.amount_wan_yuan AS new_amount_wan_yuan,
           o.raw AS old_raw, n.raw AS new_raw,
           CASE WHEN o.fact_table IS NULL THEN 'added'
                WHEN n.fact_table IS NULL THEN 'removed'
                WHEN o.count IS NULL AND o.amount_wan_yuan IS NULL THEN 'filled'
                WHEN n.count IS NULL AND n.amount_wan_yuan IS NULL THEN 'blanked'
                ELSE 'changed' END AS change
    FROM old_cells o
    FULL JOIN new_cells n
      ON n.old_report_id = o.old_report_id AND n.new_report_id = o.new_report_id
     AND n.fact_table = o.fact_table AND n.row_code = o.row_code
     AND n.column_code = o.column_code
    WHERE o.fact_table IS NULL OR n.fact_table IS NULL
       OR o.count IS DISTINCT FROM n.count
       OR o.amount_wan_yuan IS DISTINCT FROM n.amount_wan_yuan
)
SELECT p.division_code, d.name AS district_name, p.year, p.agency_kind, p.agency,
       p.version_no, c.old_report_id, c.new_report_id,
       p.old_published_at, p.old_published_source, p.new_published_at, p.new_published_source,
       c.fact_table, c.row_code, c.column_code, c.change,
       c.old_count, c.new_count, c.old_amount_wan_yuan, c.new_amount_wan_yuan,
       c.old_raw, c.new_raw
FROM compared c
JOIN pairs p USING (old_report_id, new_report_id)
LEFT JOIN core.dim_district d ON d.division_code = p.division_code
ORDER BY p.division_code, p.year, p.agency_kind, p.agency, p.version_no,
         c.fact_table, c.row_code, c.column_code;

COMMENT ON TABLE marts.revisions IS '报告修订：同一报告重新发布新版本时，与前一版本相比数值有变化的每个单元格一行（旧值、新值及两版发布时间） (cells whose value changed when a report was republished in a new version: old and new value, both publication times; one row per cell and version pair)';
COMMENT ON COLUMN marts.revisions.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.revisions.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.revisions.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.revisions.agency_kind IS '机关类别：district 区县政府 / department 部门 (district government or department)';
COMMENT ON COLUMN marts.revisions.agency IS '发布机关：新版本所印 (publishing agency as the new version prints it)';
COMMENT ON COLUMN marts.revisions.version_no IS '新版本序号：按发布时间，2 为第一次修订 (number of the new version by publication order; 2 = the first republication)';
COMMENT ON COLUMN marts.revisions.old_report_id IS '旧版本报告 ID (core.dim_report.report_id of the earlier version)';
COMMENT ON COLUMN marts.revisions.new_report_id IS '新版本报告 ID (core.dim_report.report_id of the later version)';
COMMENT ON COLUMN marts.revisions.old_published_at IS '旧版本发布时间 (publication time of the earlier version)';
COMMENT ON COLUMN marts.revisions.old_published_source IS '旧版本发布时间来源，见 core.dim_report.published_source (where the earlier version''s time comes from)';
COMMENT ON COLUMN marts.revisions.new_published_at IS '新版本发布时间 (publication time of the later version)';
COMMENT ON COLUMN marts.revisions.new_published_source IS '新版本发布时间来源 (where the later version''s time comes from)';
COMMENT ON COLUMN marts.revisions.fact_table IS '事实表 (fact table of the cell)';
COMMENT ON COLUMN marts.revisions.row_code IS '行代码：item / outcome / proceeding (row code of the cell)';
COMMENT ON COLUMN marts.revisions.column_code IS '列代码：measure / requester / result (column code of the cell)';
COMMENT ON COLUMN marts.revisions.change IS '变化：changed 数值改变 / filled 空白改为有值 / blanked 有值改为空白 / added 新版本新增单元格 / removed 新版本删去单元格 (changed value, blank filled, value blanked, cell added, cell removed)';
COMMENT ON COLUMN marts.revisions.old_count IS '旧值（数量） (earlier count; null when blank or absent)';
COMMENT ON COLUMN marts.revisions.new_count IS '新值（数量） (later count; null when blank or absent)';
COMMENT ON COLUMN marts.revisions.old_amount_wan_yuan IS '旧值（金额，万元） (earlier amount in 万元)';
COMMENT ON COLUMN marts.revisions.new_amount_wan_yuan IS '新值（金额，万元） (later amount in 万元)';
COMMENT ON COLUMN marts.revisions.old_raw IS '旧版本原文 (earlier cell text as printed)';
COMMENT ON COLUMN marts.revisions.new_raw IS '新版本原文 (later cell text as printed)';
