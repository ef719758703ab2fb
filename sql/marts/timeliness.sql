-- marts.timeliness: late and missing reports per city and year, as transparency evaluators
-- count them. Every expected district-year of marts.coverage counts once: on time or late by
-- marts.district_year.days_after_deadline (county-level government: 31 March of the next year),
-- date unknown when no printed publication date is known, missing when no report was found,
-- unreadable when the report failed or is unsupported.
-- depends: coverage, district_year

CREATE OR REPLACE TABLE marts.timeliness AS
SELECT c.province, c.city, c.year,
       count(*) AS districts,
       count(*) FILTER (WHERE c.coverage <> 'missing') AS published,
       count(*) FILTER (WHERE d.days_after_deadline <= 0) AS on_time,
       count(*) FILTER (WHERE d.days_after_deadline > 0) AS late,
       count(*) FILTER (WHERE c.coverage = 'found' AND d.days_after_deadline IS NULL)
           AS date_unknown,
       count(*) FILTER (WHERE c.coverage = 'missing') AS missing,
       count(*) FILTER (WHERE c.coverage IN ('failed', 'unsupported')) AS unreadable,
       max(d.days_after_deadline) FILTER (WHERE d.days_after_deadline > 0) AS most_days_late,
       string_agg(c.district_name, '、' ORDER BY c.division_code)
           FILTER (WHERE d.days_after_deadline > 0) AS late_districts,
       string_agg(c.district_name, '、' ORDER BY c.division_code)
           FILTER (WHERE c.coverage = 'missing') AS missing_districts
FROM marts.coverage c
LEFT JOIN marts.district_year d ON d.division_code = c.division_code AND d.year = c.year
GROUP BY c.province, c.city, c.year
ORDER BY c.province, c.city, c.year;

COMMENT ON TABLE marts.timeliness IS '按时发布情况：每个地级市每年一行，区县政府年度报告按时、逾期、缺失的区县数（期限为次年 3 月 31 日，《政府信息公开条例》第四十九条） (one row per city and year: district-government reports on time, late, missing; deadline 31 March of the next year, 2019 regulation art. 49)';
COMMENT ON COLUMN marts.timeliness.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.timeliness.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.timeliness.year IS '报告年度：报告所涉年度，期限在次年 (year covered; the deadline falls in the next year)';
COMMENT ON COLUMN marts.timeliness.districts IS '应有报告的区县数：marts.coverage 中的区县，其余各列的分母 (districts expected to publish, from marts.coverage; the denominator of the other counts)';
COMMENT ON COLUMN marts.timeliness.published IS '已发布区县数：找到报告（含无法读取的） (districts whose report was found, readable or not)';
COMMENT ON COLUMN marts.timeliness.on_time IS '按时区县数：首次发布不晚于期限（days_after_deadline ≤ 0） (districts first published by the deadline)';
COMMENT ON COLUMN marts.timeliness.late IS '逾期区县数：首次发布晚于期限（days_after_deadline > 0） (districts first published after the deadline)';
COMMENT ON COLUMN marts.timeliness.date_unknown IS '发布日期不明区县数：有可用报告但门户未印发布日期（只有 Last-Modified 或未知） (districts with a usable report but no printed publication date: only Last-Modified, or nothing)';
COMMENT ON COLUMN marts.timeliness.missing IS '缺失区县数：未找到报告 (districts whose report was not found)';
COMMENT ON COLUMN marts.timeliness.unreadable IS '无法读取区县数：报告抽取失败或格式不支持，无法判断按时与否 (districts whose report failed or is unsupported; timeliness not judged)';
COMMENT ON COLUMN marts.timeliness.most_days_late IS '最长逾期天数 (largest days_after_deadline among the late districts)';
COMMENT ON COLUMN marts.timeliness.late_districts IS '逾期区县名单 (names of the late districts)';
COMMENT ON COLUMN marts.timeliness.missing_districts IS '缺失区县名单 (names of the districts without a report)';
