-- marts.timeliness: late and missing district-government reports per city and year, as
-- transparency evaluators count them: on time or late by marts.district_year.days_after_deadline
-- (31 March of the next year), date unknown, unreadable, missing.
-- depends: district_year

-- Every expected district-year counts once, expected as in marts.coverage (the registry's
-- districts and any district with a loaded district-government report, every configured year).
-- Date unknown: a usable report without a printed publication date; unreadable: the district's
-- only reports failed or are unsupported; missing: no report loaded. Read from core and
-- district_year, not marts.coverage, so it does not wait for coverage's blocking check.

CREATE OR REPLACE TABLE marts.timeliness AS
WITH expected AS (
    SELECT division_code FROM core.dim_district WHERE in_registry
    UNION
    SELECT division_code FROM core.dim_report WHERE agency_kind = 'district'
),
years AS (
    SELECT CAST(range AS INTEGER) AS year
    FROM range(getvariable('first_year'), getvariable('last_year') + 1)
),
loaded AS (
    SELECT DISTINCT division_code, year FROM core.dim_report WHERE agency_kind = 'district'
),
district_years AS (
    SELECT e.division_code, di.name AS district_name, di.city, di.province, y.year,
           d.report_id IS NOT NULL AS usable, l.division_code IS NOT NULL AS loaded,
           d.days_after_deadline
    FROM expected e
    CROSS JOIN years y
    LEFT JOIN core.dim_district di ON di.division_code = e.division_code
    LEFT JOIN marts.district_year d ON d.division_code = e.division_code AND d.year = y.year
    LEFT JOIN loaded l ON l.division_code = e.division_code AND l.year = y.year
)
SELECT province, city, year,
       count(*) AS districts,
       count(*) FILTER (WHERE loaded) AS published,
       count(*) FILTER (WHERE days_after_deadline <= 0) AS on_time,
       count(*) FILTER (WHERE days_after_deadline > 0) AS late,
       count(*) FILTER (WHERE usable AND days_after_deadline IS NULL) AS date_unknown,
       count(*) FILTER (WHERE NOT loaded) AS missing,
       count(*) FILTER (WHERE loaded AND NOT usable) AS unreadable,
       max(days_after_deadline) FILTER (WHERE days_after_deadline > 0) AS most_days_late,
       string_agg(district_name, '、' ORDER BY division_code)
           FILTER (WHERE days_after_deadline > 0) AS late_districts,
       string_agg(district_name, '、' ORDER BY division_code)
           FILTER (WHERE NOT loaded) AS missing_districts
FROM district_years
GROUP BY province, city, year
ORDER BY province, city, year;

COMMENT ON TABLE marts.timeliness IS '按时发布情况：每个地级市每年一行，区县政府年度报告按时、逾期、缺失的区县数（期限为次年 3 月 31 日，《政府信息公开条例》第四十九条） (one row per city and year: district-government reports on time, late, missing; deadline 31 March of the next year, 2019 regulation art. 49)';
COMMENT ON COLUMN marts.timeliness.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.timeliness.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.timeliness.year IS '报告年度：报告所涉年度，期限在次年 (year covered; the deadline falls in the next year)';
COMMENT ON COLUMN marts.timeliness.districts IS '应有报告的区县数：登记表中的区县及已载入区县政府报告的区县（同 marts.coverage），其余各列的分母 (districts expected to publish, as in marts.coverage; the denominator of the other counts)';
COMMENT ON COLUMN marts.timeliness.published IS '已发布区县数：已载入区县政府报告（含无法读取的） (districts with a loaded district-government report, readable or not)';
COMMENT ON COLUMN marts.timeliness.on_time IS '按时区县数：首次发布不晚于期限（days_after_deadline ≤ 0） (districts first published by the deadline)';
COMMENT ON COLUMN marts.timeliness.late IS '逾期区县数：首次发布晚于期限（days_after_deadline > 0） (districts first published after the deadline)';
COMMENT ON COLUMN marts.timeliness.date_unknown IS '发布日期不明区县数：有可用报告但门户未印发布日期（只有 Last-Modified 或未知） (districts with a usable report but no printed publication date: only Last-Modified, or nothing)';
COMMENT ON COLUMN marts.timeliness.missing IS '缺失区县数：未载入任何区县政府报告 (districts without any loaded district-government report)';
COMMENT ON COLUMN marts.timeliness.unreadable IS '无法读取区县数：已载入的报告均抽取失败或格式不支持，无法判断按时与否 (districts whose loaded reports all failed or are unsupported; timeliness not judged)';
COMMENT ON COLUMN marts.timeliness.most_days_late IS '最长逾期天数 (largest days_after_deadline among the late districts)';
COMMENT ON COLUMN marts.timeliness.late_districts IS '逾期区县名单 (names of the late districts)';
COMMENT ON COLUMN marts.timeliness.missing_districts IS '缺失区县名单 (names of the districts without a report)';
