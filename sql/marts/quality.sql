-- marts.quality: one row per quality issue of a district-year. Three sources:
--   report      the extractor's findings in the current district-government report (arithmetic
--               that does not add up in the source; flagged, never corrected); year_mismatch:
--               a district-government report (any version) whose printed year differs from
--               the year of its portal list title, listed under the list-title year (warning);
--   cross_year  carried_over_continuity: this year's 二、上年结转 equals last year's
--               四、结转下年度继续办理 for each requester column (error);
--               in_force_continuity: 现行有效(Y) = 现行有效(Y-1) + 本年制发(Y) - 本年废止(Y) for
--               规章 and 规范性文件 when both years use the 2021 template (soft warning: repeals of
--               documents issued by others and re-counts make it drift legitimately).
-- Blank cells count as 0 in the sums; a check whose cells are all absent is not made.
-- depends:

CREATE OR REPLACE TABLE marts.quality AS
WITH cur AS (
    SELECT * FROM core.current_district_report
),
report_findings AS (
    SELECT c.division_code, c.district_name, c.year, c.report_id, 'report' AS source,
           f.rule, f.location, 'error' AS severity, f.message
    FROM core.report_findings f
    JOIN cur c USING (report_id)
),
carry AS (
    SELECT c.division_code, c.district_name, c.year, c.report_id, 'cross_year' AS source,
           'carried_over_continuity' AS rule, 'applications/' || o.requester AS location,
           'error' AS severity,
           'carried_over ' || coalesce(CAST(o.count AS VARCHAR), 'blank') || ' in ' || c.year
           || ' but carried_forward ' || coalesce(CAST(f.count AS VARCHAR), 'blank') || ' in '
           || p.year || ' (report ' || p.report_id || ')' AS message
    FROM cur c
    JOIN cur p ON p.division_code = c.division_code AND p.year = c.year - 1
    JOIN core.fact_applications o ON o.report_id = c.report_id AND o.outcome = 'carried_over'
    JOIN core.fact_applications f
      ON f.report_id = p.report_id AND f.outcome = 'carried_forward' AND f.requester = o.requester
    WHERE coalesce(o.count, 0) <> coalesce(f.count, 0)
),
year_mismatch AS (
    SELECT r.division_code, d.name AS district_name, r.catalog_year AS year, r.report_id,
           'report' AS source, 'year_mismatch' AS rule, 'report/year' AS location,
           'warning' AS severity,
           'the portal list gives ' || r.catalog_year || ', the report prints ' || r.year
           || ': compared as ' || r.year AS message
    FROM core.dim_report r
    LEFT JOIN core.dim_district d USING (division_code)
    WHERE r.agency_kind = 'district' AND r.catalog_year <> r.year
),
in_force AS (
    SELECT report_id, item,
           coalesce(max(count) FILTER (WHERE measure = 'issued'), 0) AS issued,
           coalesce(max(count) FILTER (WHERE measure = 'repealed'), 0) AS repealed,
           max(count) FILTER (WHERE measure = 'in_force') AS in_force
    FROM core.fact_regulatory_documents
    WHERE format = '2021' AND report_id IN (SELECT report_id FROM cur)
    GROUP BY report_id, item
),
continuity AS (
    SELECT c.division_code, c.district_name, c.year, c.report_id, 'cross_year' AS source,
           'in_force_continuity' AS rule, 'active_disclosure/' || y.item AS location,
           'warning' AS severity,
           'in_force ' || y.in_force || ' in ' || c.year || ' but ' || x.in_force || ' in '
           || p.year || ' + issued ' || y.issued || ' - repealed ' || y.repealed || ' = '
           || (x.in_force + y.issued - y.repealed) AS message
    FROM cur c
    JOIN cur p ON p.division_code = c.division_code AND p.year = c.year - 1
    JOIN in_force y ON y.report_id = c.report_id
    JOIN in_force x ON x.report_id = p.report_id AND x.item = y.item
    WHERE y.in_force IS NOT NULL AND x.in_force IS NOT NULL
      AND y.in_force <> x.in_force + y.issued - y.repealed
)
SELECT * FROM report_findings
UNION ALL SELECT * FROM year_mismatch
UNION ALL SELECT * FROM carry
UNION ALL SELECT * FROM continuity;

COMMENT ON TABLE marts.quality IS '数据质量：每个区县年度的每个问题一行，包括报告自身的算术校验问题和跨年度校验（上年结转 = 上年的结转下年度；现行有效件数连续性，软警告） (one row per quality issue of a district-year: the report''s own findings and the cross-year rules)';
COMMENT ON COLUMN marts.quality.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.quality.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.quality.year IS '报告年度：问题所在年度（跨年度规则为后一年） (year of the issue; the later year for cross-year rules)';
COMMENT ON COLUMN marts.quality.report_id IS '报告 ID (current report of that year; for year_mismatch the report concerned)';
COMMENT ON COLUMN marts.quality.source IS '来源：report 报告内校验 / cross_year 跨年度校验 (where the rule comes from)';
COMMENT ON COLUMN marts.quality.rule IS '规则：carry_balance / outcome_sum / requester_sum / appeal_sum / carried_over_continuity / in_force_continuity / year_mismatch (rule that failed)';
COMMENT ON COLUMN marts.quality.location IS '位置：如 applications/total (table and row or column concerned)';
COMMENT ON COLUMN marts.quality.severity IS '严重程度：error 数字不一致 / warning 软警告 (error: figures disagree; warning: a soft continuity check)';
COMMENT ON COLUMN marts.quality.message IS '说明：涉及的数字 (message with the numbers involved)';
