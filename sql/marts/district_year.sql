-- marts.district_year: one row per district and year, from the district government's current
-- report (core.current_district_report; department reports never enter).
-- Rates are over （七）总计 of the 总计 column; corrected shares are corrected / (total - pending)
-- of table 四 as printed. Year-over-year changes are this year minus last year, left null when
-- there is no previous report or the measure's template changed (yoy_note says which).
-- depends:

CREATE OR REPLACE TABLE marts.district_year AS
WITH cur AS (
    SELECT * FROM core.current_district_report
),
active AS (
    SELECT report_id,
           max(count) FILTER (WHERE item = 'permits' AND measure = 'decisions') AS permits,
           any_value(format) FILTER (WHERE item = 'permits') AS permits_format,
           max(count) FILTER (WHERE item = 'penalties' AND measure = 'decisions') AS penalties,
           max(count) FILTER (WHERE item = 'coercion' AND measure = 'decisions') AS coercion,
           any_value(format) FILTER (WHERE item IN ('penalties', 'coercion')) AS penalties_format
    FROM (SELECT report_id, item, measure, format, count FROM core.fact_permits
          UNION ALL
          SELECT report_id, item, measure, format, count FROM core.fact_penalties)
    WHERE report_id IN (SELECT report_id FROM cur)
    GROUP BY report_id
),
fees AS (
    SELECT report_id,
           max(amount_wan_yuan) FILTER (WHERE measure = 'amount_wan_yuan') AS fees_wan_yuan,
           any_value(format) AS fees_format
    FROM core.fact_fees
    WHERE report_id IN (SELECT report_id FROM cur)
    GROUP BY report_id
),
apps AS (
    SELECT a.report_id,
           max(a.count) FILTER (WHERE a.outcome = 'new_received') AS applications_received,
           max(a.count) FILTER (WHERE a.outcome = 'carried_over') AS carried_over,
           max(a.count) FILTER (WHERE a.outcome = 'total_handled') AS total_handled,
           max(a.count) FILTER (WHERE a.outcome = 'carried_forward') AS carried_forward,
           CAST(sum(a.count) FILTER (WHERE c.code_group IN ('granted', 'partially_granted')) AS BIGINT) AS granted_n,
           CAST(sum(a.count) FILTER (WHERE c.code_group = 'withheld') AS BIGINT) AS withheld_n,
           CAST(sum(a.count) FILTER (WHERE c.code_group = 'unavailable') AS BIGINT) AS unavailable_n,
           CAST(sum(a.count) FILTER (WHERE c.code_group = 'rejected') AS BIGINT) AS rejected_n,
           CAST(sum(a.count) FILTER (WHERE c.code_group = 'other') AS BIGINT) AS other_n
    FROM core.fact_applications a
    JOIN core.dim_code c ON c.axis = 'outcome' AND c.code = a.outcome
    WHERE a.requester = 'total' AND a.report_id IN (SELECT report_id FROM cur)
    GROUP BY a.report_id
),
appeals AS (
    SELECT report_id,
           max(count) FILTER (WHERE proceeding = 'reconsideration' AND result = 'total') AS reconsiderations,
           max(count) FILTER (WHERE proceeding = 'reconsideration' AND result = 'corrected') AS reconsiderations_corrected,
           max(count) FILTER (WHERE proceeding = 'reconsideration' AND result = 'pending') AS reconsiderations_pending,
           CAST(sum(count) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'total') AS BIGINT) AS lawsuits,
           CAST(sum(count) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'corrected') AS BIGINT) AS lawsuits_corrected,
           CAST(sum(count) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'pending') AS BIGINT) AS lawsuits_pending
    FROM core.fact_appeals
    WHERE report_id IN (SELECT report_id FROM cur)
    GROUP BY report_id
),
base AS (
    SELECT cur.division_code, cur.district_name, cur.city, cur.province, cur.year,
           cur.report_id, cur.agency, cur.status, cur.is_sample,
           active.permits, active.permits_format,
           active.penalties, active.coercion, active.penalties_format,
           CASE WHEN fees.fees_format = '2021' THEN fees.fees_wan_yuan END AS fees_wan_yuan,
           fees.fees_format,
           apps.applications_received, apps.carried_over, apps.total_handled, apps.carried_forward,
           apps.granted_n / nullif(apps.total_handled, 0) AS grant_rate,
           apps.withheld_n / nullif(apps.total_handled, 0) AS withheld_rate,
           apps.unavailable_n / nullif(apps.total_handled, 0) AS unavailable_rate,
           apps.rejected_n / nullif(apps.total_handled, 0) AS rejected_rate,
           apps.other_n / nullif(apps.total_handled, 0) AS other_rate,
           appeals.reconsiderations, appeals.reconsiderations_corrected,
           appeals.reconsiderations_corrected
               / nullif(appeals.reconsiderations - coalesce(appeals.reconsiderations_pending, 0), 0)
               AS reconsiderations_corrected_share,
           appeals.lawsuits, appeals.lawsuits_corrected,
           appeals.lawsuits_corrected
               / nullif(appeals.lawsuits - coalesce(appeals.lawsuits_pending, 0), 0)
               AS lawsuits_corrected_share
    FROM cur
    LEFT JOIN active USING (report_id)
    LEFT JOIN fees USING (report_id)
    LEFT JOIN apps USING (report_id)
    LEFT JOIN appeals USING (report_id)
)
SELECT b.*,
       CASE WHEN b.permits_format = p.permits_format THEN b.permits - p.permits END AS permits_change,
       CASE WHEN b.penalties_format = p.penalties_format THEN b.penalties - p.penalties END AS penalties_change,
       CASE WHEN b.penalties_format = p.penalties_format THEN b.coercion - p.coercion END AS coercion_change,
       b.fees_wan_yuan - p.fees_wan_yuan AS fees_change,
       b.applications_received - p.applications_received AS applications_received_change,
       b.total_handled - p.total_handled AS total_handled_change,
       b.carried_forward - p.carried_forward AS carried_forward_change,
       b.grant_rate - p.grant_rate AS grant_rate_change,
       b.withheld_rate - p.withheld_rate AS withheld_rate_change,
       b.unavailable_rate - p.unavailable_rate AS unavailable_rate_change,
       b.rejected_rate - p.rejected_rate AS rejected_rate_change,
       b.other_rate - p.other_rate AS other_rate_change,
       b.reconsiderations - p.reconsiderations AS reconsiderations_change,
       b.reconsiderations_corrected_share - p.reconsiderations_corrected_share
           AS reconsiderations_corrected_share_change,
       b.lawsuits - p.lawsuits AS lawsuits_change,
       b.lawsuits_corrected_share - p.lawsuits_corrected_share AS lawsuits_corrected_share_change,
       CASE WHEN p.report_id IS NULL THEN 'no report for ' || (b.year - 1)
            ELSE nullif(concat_ws('; ',
                CASE WHEN b.permits_format IS DISTINCT FROM p.permits_format
                     THEN '行政许可 permits: template ' || coalesce(p.permits_format, 'absent')
                          || ' -> ' || coalesce(b.permits_format, 'absent') END,
                CASE WHEN b.penalties_format IS DISTINCT FROM p.penalties_format
                     THEN '行政处罚/行政强制 penalties, coercion: template '
                          || coalesce(p.penalties_format, 'absent') || ' -> '
                          || coalesce(b.penalties_format, 'absent') END,
                CASE WHEN b.fees_format IS DISTINCT FROM p.fees_format
                     THEN '行政事业性收费 fees: template ' || coalesce(p.fees_format, 'absent')
                          || ' -> ' || coalesce(b.fees_format, 'absent')
                          || ' (2019 counts fee items, 2021 an amount in 万元)' END), '')
       END AS yoy_note
FROM base b
LEFT JOIN base p ON p.division_code = b.division_code AND p.year = b.year - 1;

COMMENT ON TABLE marts.district_year IS '区县年度指标：每个区县每年一行，取区县政府当前版本报告（部门报告不计入）；比率以（七）总计的总计列为分母；同比为本年减上年，格式变化或上年无报告时为空并在 yoy_note 说明 (one row per district and year from the current district-government report; rates over total handled; year-over-year = this year minus last, null where not comparable, see yoy_note)';
COMMENT ON COLUMN marts.district_year.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.district_year.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.district_year.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.district_year.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.district_year.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.district_year.report_id IS '报告 ID：所用的当前版本报告 (core.dim_report.report_id of the report used)';
COMMENT ON COLUMN marts.district_year.agency IS '发布机关：报告所印 (publishing agency as printed)';
COMMENT ON COLUMN marts.district_year.status IS '报告状态 ok/flagged/partial (status of that report; flagged means a check failed, see marts.quality)';
COMMENT ON COLUMN marts.district_year.is_sample IS '是否样例 (true for synthetic sample-portal reports)';
COMMENT ON COLUMN marts.district_year.permits IS '行政许可处理决定数量 (permit decisions, 处理决定数量; compare only within one template, see permits_format)';
COMMENT ON COLUMN marts.district_year.permits_format IS '行政许可所在表格格式 2019/2021 (template of the permits row)';
COMMENT ON COLUMN marts.district_year.penalties IS '行政处罚处理决定数量 (administrative penalty decisions)';
COMMENT ON COLUMN marts.district_year.coercion IS '行政强制处理决定数量 (administrative coercion decisions)';
COMMENT ON COLUMN marts.district_year.penalties_format IS '行政处罚/行政强制所在表格格式 2019/2021 (template of the penalties and coercion rows)';
COMMENT ON COLUMN marts.district_year.fees_wan_yuan IS '行政事业性收费金额（万元）：仅 2021 格式报告给出金额，2019 格式为空 (fees collected in 万元; null for 2019-format reports, which count fee items instead)';
COMMENT ON COLUMN marts.district_year.fees_format IS '行政事业性收费所在表格格式 2019/2021 (template of the fees row)';
COMMENT ON COLUMN marts.district_year.applications_received IS '本年新收政府信息公开申请数量（总计列） (new applications received, 总计 column)';
COMMENT ON COLUMN marts.district_year.carried_over IS '上年结转申请数量 (applications carried over from the previous year)';
COMMENT ON COLUMN marts.district_year.total_handled IS '本年办理结果总计（七） (applications handled, （七）总计)';
COMMENT ON COLUMN marts.district_year.carried_forward IS '结转下年度继续办理 (applications carried forward to next year)';
COMMENT ON COLUMN marts.district_year.grant_rate IS '公开率：（予以公开 + 部分公开）/ 总计 ((granted + partially granted) / total handled)';
COMMENT ON COLUMN marts.district_year.withheld_rate IS '不予公开率：（三）不予公开各项之和 / 总计 (withheld / total handled)';
COMMENT ON COLUMN marts.district_year.unavailable_rate IS '无法提供率：（四）无法提供各项之和 / 总计 (unavailable / total handled)';
COMMENT ON COLUMN marts.district_year.rejected_rate IS '不予处理率：（五）不予处理各项之和 / 总计 (rejected / total handled)';
COMMENT ON COLUMN marts.district_year.other_rate IS '其他处理率：（六）其他处理（单行或分项合计）/ 总计 (other handling, single or split rolled up, / total handled)';
COMMENT ON COLUMN marts.district_year.reconsiderations IS '行政复议总计（所印） (administrative reconsiderations, 总计 as printed)';
COMMENT ON COLUMN marts.district_year.reconsiderations_corrected IS '行政复议结果纠正 (reconsiderations with result corrected)';
COMMENT ON COLUMN marts.district_year.reconsiderations_corrected_share IS '行政复议纠错率：结果纠正 /（总计 − 尚未审结） (corrected / (total − pending))';
COMMENT ON COLUMN marts.district_year.lawsuits IS '行政诉讼总计：未经复议直接起诉 + 复议后起诉 (lawsuits, direct plus after reconsideration)';
COMMENT ON COLUMN marts.district_year.lawsuits_corrected IS '行政诉讼结果纠正 (lawsuits with result corrected)';
COMMENT ON COLUMN marts.district_year.lawsuits_corrected_share IS '行政诉讼纠错率：结果纠正 /（总计 − 尚未审结） (corrected / (total − pending))';
COMMENT ON COLUMN marts.district_year.permits_change IS '行政许可同比变化（本年 − 上年），格式不同时为空 (permits minus last year; null across a template change)';
COMMENT ON COLUMN marts.district_year.penalties_change IS '行政处罚同比变化 (penalties minus last year; null across a template change)';
COMMENT ON COLUMN marts.district_year.coercion_change IS '行政强制同比变化 (coercion minus last year; null across a template change)';
COMMENT ON COLUMN marts.district_year.fees_change IS '收费金额同比变化（万元），仅两年均为 2021 格式 (fees minus last year, 万元; only when both years give an amount)';
COMMENT ON COLUMN marts.district_year.applications_received_change IS '新收申请同比变化 (applications received minus last year)';
COMMENT ON COLUMN marts.district_year.total_handled_change IS '办理总计同比变化 (total handled minus last year)';
COMMENT ON COLUMN marts.district_year.carried_forward_change IS '结转下年同比变化 (carried forward minus last year)';
COMMENT ON COLUMN marts.district_year.grant_rate_change IS '公开率同比变化（比率之差） (grant rate minus last year''s, as a difference of shares)';
COMMENT ON COLUMN marts.district_year.withheld_rate_change IS '不予公开率同比变化 (withheld rate minus last year''s)';
COMMENT ON COLUMN marts.district_year.unavailable_rate_change IS '无法提供率同比变化 (unavailable rate minus last year''s)';
COMMENT ON COLUMN marts.district_year.rejected_rate_change IS '不予处理率同比变化 (rejected rate minus last year''s)';
COMMENT ON COLUMN marts.district_year.other_rate_change IS '其他处理率同比变化 (other-handling rate minus last year''s)';
COMMENT ON COLUMN marts.district_year.reconsiderations_change IS '行政复议同比变化 (reconsiderations minus last year)';
COMMENT ON COLUMN marts.district_year.reconsiderations_corrected_share_change IS '复议纠错率同比变化 (reconsideration corrected share minus last year''s)';
COMMENT ON COLUMN marts.district_year.lawsuits_change IS '行政诉讼同比变化 (lawsuits minus last year)';
COMMENT ON COLUMN marts.district_year.lawsuits_corrected_share_change IS '诉讼纠错率同比变化 (lawsuit corrected share minus last year''s)';
COMMENT ON COLUMN marts.district_year.yoy_note IS '同比说明：为何某些同比为空（上年无报告、表格格式变化），均可比时为空 (why year-over-year values are null: no previous report, or which measures changed template; null when all are comparable)';
