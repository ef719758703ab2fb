-- marts.text_reuse: how much of a report's narrative repeats the same agency's report of the
-- year before, as character 5-gram containment (evaluators have found reports 90 % identical to
-- the previous year's). Per current report, against the same district's, agency kind's and
-- agency's current report for year - 1.
-- depends:

-- Measure: both narratives (core.report_text: the text outside the statistics tables) lose
-- every digit (0-9, ０-９) and every whitespace character, so a changed figure or a line break
-- does not count as new text; reused_share = the number of distinct 5-character sequences of
-- this year's text that also occur in last year's / the number of distinct 5-character
-- sequences of this year's text.

CREATE OR REPLACE TABLE marts.text_reuse AS
WITH cur AS (
    SELECT report_id, division_code, year, agency_kind, version_key, agency
    FROM core.dim_report
    WHERE is_current AND year IS NOT NULL AND status IN ('ok', 'flagged', 'partial')
),
pairs AS (
    SELECT c.report_id, c.division_code, c.year, c.agency_kind, c.agency,
           p.report_id AS previous_report_id
    FROM cur c
    LEFT JOIN cur p
      ON p.division_code = c.division_code AND p.year = c.year - 1
     AND p.agency_kind = c.agency_kind AND p.version_key = c.version_key
),
cleaned AS (
    SELECT report_id, regexp_replace(text, '[0-9０-９\s]+', '', 'g') AS t
    FROM core.report_text
    WHERE report_id IN (SELECT report_id FROM pairs UNION SELECT previous_report_id FROM pairs)
),
grams AS (
    SELECT DISTINCT report_id, substr(t, i, 5) AS gram
    FROM (SELECT report_id, t, unnest(range(1, length(t) - 3)) AS i FROM cleaned)
),
own AS (
    SELECT report_id, count(*) AS grams FROM grams GROUP BY report_id
),
shared AS (
    SELECT p.report_id, count(*) AS reused
    FROM pairs p
    JOIN grams g ON g.report_id = p.report_id
    JOIN grams q ON q.report_id = p.previous_report_id AND q.gram = g.gram
    GROUP BY p.report_id
),
counts AS (
    SELECT p.report_id, coalesce(o.grams, 0) AS grams, coalesce(s.reused, 0) AS reused
    FROM pairs p
    LEFT JOIN own o USING (report_id)
    LEFT JOIN shared s USING (report_id)
)
SELECT p.division_code, d.name AS district_name, p.year, p.agency_kind, p.agency,
       p.report_id, p.previous_report_id,
       length(t.t) AS characters,
       CASE WHEN p.previous_report_id IS NOT NULL AND pt.report_id IS NOT NULL
            THEN k.grams END AS grams,
       CASE WHEN p.previous_report_id IS NOT NULL AND pt.report_id IS NOT NULL
            THEN k.reused END AS reused_grams,
       CASE WHEN p.previous_report_id IS NOT NULL AND pt.report_id IS NOT NULL
            THEN k.reused / nullif(k.grams, 0) END AS reused_share,
       CASE WHEN t.report_id IS NULL THEN 'no narrative text stored for this report'
            WHEN p.previous_report_id IS NULL THEN 'no report of the same agency for ' || (p.year - 1)
            WHEN pt.report_id IS NULL THEN 'no narrative text stored for the ' || (p.year - 1) || ' report'
            WHEN k.grams = 0 THEN 'narrative shorter than 5 characters'
       END AS note
FROM pairs p
LEFT JOIN core.dim_district d ON d.division_code = p.division_code
LEFT JOIN cleaned t ON t.report_id = p.report_id
LEFT JOIN cleaned pt ON pt.report_id = p.previous_report_id
LEFT JOIN counts k ON k.report_id = p.report_id
ORDER BY p.division_code, p.agency_kind, p.agency, p.year;

COMMENT ON TABLE marts.text_reuse IS '正文重复：每份当前报告一行，其正文与同一机关上一年度报告重复的比例（字符 5-gram 包含度） (share of each current report''s narrative that repeats the same agency''s previous-year report: character 5-gram containment)';
COMMENT ON COLUMN marts.text_reuse.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.text_reuse.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.text_reuse.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.text_reuse.agency_kind IS '机关类别：district 区县政府 / department 部门 (district government or department)';
COMMENT ON COLUMN marts.text_reuse.agency IS '发布机关：报告所印 (publishing agency as printed)';
COMMENT ON COLUMN marts.text_reuse.report_id IS '报告 ID：本年度当前版本 (current report of this year)';
COMMENT ON COLUMN marts.text_reuse.previous_report_id IS '上年报告 ID：同一区县、同一机关上一年度的当前版本，无则为空 (current report of the same agency for the year before; null when there is none)';
COMMENT ON COLUMN marts.text_reuse.characters IS '正文字符数：去掉数字和空白后 (characters of the narrative after removing digits and whitespace)';
COMMENT ON COLUMN marts.text_reuse.grams IS '本年 5-gram 数：去掉数字和空白后，本年正文中不同的连续 5 字符序列个数，reused_share 的分母 (distinct 5-character sequences of this year''s narrative after removing digits and whitespace; the denominator of reused_share)';
COMMENT ON COLUMN marts.text_reuse.reused_grams IS '重复 5-gram 数：其中也出现在上年正文中的个数 (of those, how many also occur in last year''s narrative)';
COMMENT ON COLUMN marts.text_reuse.reused_share IS '重复比例：字符 5-gram 包含度 = 重复 5-gram 数 / 本年 5-gram 数（先去掉数字 0-9、０-９ 和全部空白），1 为全部照抄上年 (character 5-gram containment: reused_grams / grams, after removing digits 0-9 and ０-９ and all whitespace from both texts; 1 means every sequence repeats last year''s text)';
COMMENT ON COLUMN marts.text_reuse.note IS '说明：重复比例为空的原因（无上年报告、无正文、正文过短） (why reused_share is null: no previous report, no stored narrative, or a narrative under 5 characters)';
