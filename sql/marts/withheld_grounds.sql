-- marts.withheld_grounds: why information is withheld. One row per district, year and ground of
-- （三）不予公开 (国家秘密, 其他法律行政法规禁止公开, 三安全一稳定, 第三方合法权益, 三类内部事务,
-- 四类过程性信息, 行政执法案卷, 行政查询事项), from the 总计 column of the current district
-- report. share = this ground / all withheld applications (the sum of the eight grounds); null
-- when any of the eight is blank (blank is not zero) or when nothing was withheld.
-- depends:

CREATE OR REPLACE TABLE marts.withheld_grounds AS
WITH grounds AS (
    SELECT a.report_id, a.outcome AS ground, c.label AS ground_label, c.position, a.count
    FROM core.fact_applications a
    JOIN core.dim_code c ON c.axis = 'outcome' AND c.code = a.outcome
    WHERE a.requester = 'total' AND c.code_group = 'withheld'
      AND a.report_id IN (SELECT report_id FROM core.current_district_report)
),
totals AS (
    SELECT report_id,
           CASE WHEN bool_and(count IS NOT NULL) THEN CAST(sum(count) AS BIGINT) END AS withheld,
           count(*) FILTER (WHERE count IS NULL) AS blank_cells
    FROM grounds
    GROUP BY report_id
)
SELECT cur.division_code, cur.district_name, cur.city, cur.province, cur.year, cur.report_id,
       g.ground, g.ground_label, g.count AS applications, t.withheld, t.blank_cells,
       g.count / nullif(t.withheld, 0) AS share
FROM core.current_district_report cur
JOIN grounds g ON g.report_id = cur.report_id
JOIN totals t ON t.report_id = cur.report_id
ORDER BY cur.division_code, cur.year, g.position;

COMMENT ON TABLE marts.withheld_grounds IS '不予公开理由构成：每个区县每年每个不予公开理由一行，占不予公开总数的比例（总计列） (grounds for withholding: one row per district, year and ground of （三）不予公开, with its share of all withheld applications, 总计 column)';
COMMENT ON COLUMN marts.withheld_grounds.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.withheld_grounds.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.withheld_grounds.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.withheld_grounds.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.withheld_grounds.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.withheld_grounds.report_id IS '报告 ID (core.dim_report.report_id of the report used)';
COMMENT ON COLUMN marts.withheld_grounds.ground IS '不予公开理由代码：withheld_state_secret 等 (ground code, core.dim_code axis=outcome, group withheld)';
COMMENT ON COLUMN marts.withheld_grounds.ground_label IS '不予公开理由：如 1.属于国家秘密 (printed label of the ground)';
COMMENT ON COLUMN marts.withheld_grounds.applications IS '该理由不予公开数（总计列）；空白为空 (applications withheld on this ground, 总计 column; null when blank)';
COMMENT ON COLUMN marts.withheld_grounds.withheld IS '不予公开总数：八项理由之和（总计列），占比的分母；任一空白则为空 (all withheld applications: the sum of the eight grounds, 总计 column; the denominator of share; null when any ground is blank)';
COMMENT ON COLUMN marts.withheld_grounds.blank_cells IS '空白理由数：八项中空白的个数，大于 0 时 withheld 与 share 为空 (grounds printed blank; withheld and share are null when above 0)';
COMMENT ON COLUMN marts.withheld_grounds.share IS '占比：该理由 / 不予公开总数；不予公开为 0 或有空白时为空 (share: this ground / all withheld; null when nothing was withheld or a ground is blank)';
