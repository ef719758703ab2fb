-- marts.coverage: every expected district x year, with found / missing / failed / unsupported
-- and why. Expected districts are those of the portal registry (core.dim_district.in_registry)
-- and any district a district-government report was loaded for; years run from the
-- configured first to last year (variables first_year, last_year set by build_marts).
-- found = the current district-government report has status ok, flagged or partial.
-- depends:

CREATE OR REPLACE TABLE marts.coverage AS
WITH expected AS (
    SELECT division_code FROM core.dim_district WHERE in_registry
    UNION
    SELECT division_code FROM core.dim_report WHERE agency_kind = 'district'
),
years AS (
    SELECT CAST(range AS INTEGER) AS year
    FROM range(getvariable('first_year'), getvariable('last_year') + 1)
),
current_report AS (
    SELECT * FROM core.dim_report WHERE agency_kind = 'district' AND is_current
),
versions AS (
    SELECT division_code, year, count(*) AS versions
    FROM core.dim_report WHERE agency_kind = 'district' GROUP BY ALL
),
departments AS (
    SELECT division_code, year, count(*) AS department_reports
    FROM core.dim_report WHERE agency_kind = 'department' AND is_current GROUP BY ALL
),
documents AS (
    SELECT division_code, year, count(DISTINCT url) AS catalog_documents
    FROM raw.documents WHERE coalesce(agency_kind, 'district') = 'district' GROUP BY ALL
),
fetch_errors AS (
    SELECT division_code, count(*) AS fetch_errors,
           string_agg(DISTINCT error_class, ', ' ORDER BY error_class) AS error_classes
    FROM raw.fetch_errors GROUP BY ALL
)
SELECT e.division_code, d.name AS district_name, d.city, d.province, y.year,
       CASE WHEN r.report_id IS NULL THEN 'missing'
            WHEN r.status IN ('ok', 'flagged', 'partial') THEN 'found'
            WHEN r.status = 'unsupported' THEN 'unsupported'
            ELSE 'failed' END AS coverage,
       r.report_id, r.status AS report_status,
       coalesce(v.versions, 0) AS report_versions,
       coalesce(dep.department_reports, 0) AS department_reports,
       coalesce(doc.catalog_documents, 0) AS catalog_documents,
       coalesce(fe.fetch_errors, 0) AS district_fetch_errors,
       CASE
           WHEN r.report_id IS NULL AND coalesce(doc.catalog_documents, 0) > 0 THEN
               'the crawl catalog lists ' || doc.catalog_documents
               || ' document(s) for this year but no report was extracted from them'
           WHEN r.report_id IS NULL AND coalesce(fe.fetch_errors, 0) > 0 THEN
               'no document found for this year; the district''s portal had '
               || fe.fetch_errors || ' fetch error(s) (' || fe.error_classes || ')'
           WHEN r.report_id IS NULL THEN 'no document found for this year'
           WHEN r.status IN ('failed', 'unsupported') THEN
               r.status || ': ' || coalesce(nullif(array_to_string(
                   list_concat(r.load_errors, r.errors), '; '), ''), 'no reason given')
           WHEN r.status = 'partial' THEN
               'partial: ' || coalesce(nullif(array_to_string(r.errors, '; '), ''), 'tables missing')
           WHEN r.status = 'flagged' THEN
               'flagged: ' || r.finding_count || ' finding(s), see marts.quality'
           ELSE 'ok'
       END AS reason
FROM expected e
CROSS JOIN years y
LEFT JOIN core.dim_district d ON d.division_code = e.division_code
LEFT JOIN current_report r ON r.division_code = e.division_code AND r.year = y.year
LEFT JOIN versions v ON v.division_code = e.division_code AND v.year = y.year
LEFT JOIN departments dep ON dep.division_code = e.division_code AND dep.year = y.year
LEFT JOIN documents doc ON doc.division_code = e.division_code AND doc.year = y.year
LEFT JOIN fetch_errors fe ON fe.division_code = e.division_code;

COMMENT ON TABLE marts.coverage IS '覆盖情况：每个应有报告的区县 × 年度一行（年度范围来自配置），found 已有可用报告 / missing 缺失 / failed 抽取失败 / unsupported 无法读取，并说明原因 (every expected district and configured year: found, missing, failed or unsupported, and why)';
COMMENT ON COLUMN marts.coverage.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.coverage.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.coverage.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.coverage.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.coverage.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.coverage.coverage IS '覆盖状态：found 已有可用区县政府报告 / missing 无报告 / failed 抽取失败 / unsupported 报告格式无法读取 (found: a usable current district-government report; missing: none loaded; failed; unsupported)';
COMMENT ON COLUMN marts.coverage.report_id IS '报告 ID：当前版本，缺失为空 (current report, null when missing)';
COMMENT ON COLUMN marts.coverage.report_status IS '报告状态 (status of the current report)';
COMMENT ON COLUMN marts.coverage.report_versions IS '区县政府报告版本数 (district-government report versions loaded for this year)';
COMMENT ON COLUMN marts.coverage.department_reports IS '部门报告数：已载入但不计入区县指标 (department reports loaded; never part of the district figures)';
COMMENT ON COLUMN marts.coverage.catalog_documents IS '抓取目录中该年度的区县文档数 (district documents the crawl catalog lists for this year)';
COMMENT ON COLUMN marts.coverage.district_fetch_errors IS '该区县门户的抓取错误数（全部年度） (fetch errors of the district''s portal, all years)';
COMMENT ON COLUMN marts.coverage.reason IS '原因：缺失、失败或不支持的原因，或报告状态说明 (why: what is missing or failed, or a note on the status)';
