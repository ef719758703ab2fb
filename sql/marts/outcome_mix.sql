-- marts.outcome_mix: how applications end. Share of each outcome group of （七）总计 per district
-- and year, from the 总计 column. Groups: 予以公开, 部分公开, 不予公开, 无法提供, 不予处理 and
-- 其他处理; the split 其他处理 of 2021-format reports is rolled up into one group so that
-- districts and years compare across formats. A group with a blank cell has no count and no
-- share (blank is not zero); blank_cells says how many of its cells are blank.
-- depends:

CREATE OR REPLACE TABLE marts.outcome_mix AS
WITH grouped AS (
    SELECT a.report_id, c.code_group AS outcome_group, any_value(c.group_label) AS group_label,
           min(c.position) AS position,
           CASE WHEN bool_and(a.count IS NOT NULL) THEN CAST(sum(a.count) AS BIGINT) END
               AS applications,
           count(*) AS cells,
           count(*) FILTER (WHERE a.count IS NULL) AS blank_cells
    FROM core.fact_applications a
    JOIN core.dim_code c ON c.axis = 'outcome' AND c.code = a.outcome
    WHERE a.requester = 'total' AND c.code_group IS NOT NULL
      AND a.report_id IN (SELECT report_id FROM core.current_district_report)
    GROUP BY a.report_id, c.code_group
)
SELECT cur.division_code, cur.district_name, cur.city, cur.province, cur.year, cur.report_id,
       g.outcome_group, g.group_label, g.applications, g.cells, g.blank_cells,
       t.count AS total_handled,
       g.applications / nullif(t.count, 0) AS share
FROM core.current_district_report cur
JOIN grouped g ON g.report_id = cur.report_id
LEFT JOIN core.fact_applications t
  ON t.report_id = cur.report_id AND t.outcome = 'total_handled' AND t.requester = 'total';

COMMENT ON TABLE marts.outcome_mix IS '办理结果构成：每个区县每年每个办理结果大类一行，占（七）总计的比例；（六）其他处理单行或分项统一为一组，可跨格式比较 (share of each outcome group of total handled per district and year; single or split 其他处理 rolled up, comparable across templates)';
COMMENT ON COLUMN marts.outcome_mix.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.outcome_mix.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.outcome_mix.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.outcome_mix.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.outcome_mix.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.outcome_mix.report_id IS '报告 ID (core.dim_report.report_id of the report used)';
COMMENT ON COLUMN marts.outcome_mix.outcome_group IS '结果大类：granted 予以公开 / partially_granted 部分公开 / withheld 不予公开 / unavailable 无法提供 / rejected 不予处理 / other 其他处理 (outcome group)';
COMMENT ON COLUMN marts.outcome_mix.group_label IS '结果大类标签，如（三）不予公开 (printed label of the group)';
COMMENT ON COLUMN marts.outcome_mix.applications IS '该大类申请数：总计列各项之和；任一单元格空白则为空（空白不是零） (applications in the group, sum of its rows in the 总计 column; null when any of them is blank: blank is not zero)';
COMMENT ON COLUMN marts.outcome_mix.cells IS '该大类单元格数：报告所印的总计列行数 (cells of the group the report prints, 总计 column)';
COMMENT ON COLUMN marts.outcome_mix.blank_cells IS '空白单元格数：大于 0 时 applications 与 share 为空 (blank cells among them; applications and share are null when above 0)';
COMMENT ON COLUMN marts.outcome_mix.total_handled IS '（七）总计 (total handled, 总计 column)';
COMMENT ON COLUMN marts.outcome_mix.share IS '占比：该大类申请数 /（七）总计（总计列）；任一空白则为空 (group / total handled, 总计 column; null when either is blank)';
