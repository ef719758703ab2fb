-- marts.district_year: one row per district and year, from the district government's current
-- report (core.current_district_report; department reports never enter). No figure from
-- missing inputs: a sum, rate, share or change is null when a printed cell it needs is blank
-- or its table missing (blank_input_cells / missing_tables say how complete the row is).
-- depends:

-- Rates are over （七）总计 of the 总计 column; corrected shares are corrected / (total - pending)
-- of table 四 as printed. Year-over-year changes are this year minus last year, left null when
-- there is no previous report or the measure's template changed (yoy_note says which).

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
-- the first publication of the report: its earliest version (by publication, else first-seen
-- time), whatever that version's status; timeliness needs a printed date (not Last-Modified)
first_publication AS (
    SELECT division_code, year,
           arg_min(published_on, coalesce(published_at, first_seen, extracted_at)) AS first_published_on,
           arg_min(coalesce(published_source, 'unknown'), coalesce(published_at, first_seen, extracted_at)) AS first_published_source
    FROM core.dim_report
    WHERE agency_kind = 'district' AND year IS NOT NULL
    GROUP BY division_code, year
),
-- a group's sum is null unless every cell of the group prints a value (bool_and over no
-- cells is null too: a missing table gives no sum)
apps AS (
    SELECT a.report_id,
           max(a.count) FILTER (WHERE a.outcome = 'new_received' AND a.requester = 'total') AS applications_received,
           max(a.count) FILTER (WHERE a.outcome = 'carried_over' AND a.requester = 'total') AS carried_over,
           max(a.count) FILTER (WHERE a.outcome = 'total_handled' AND a.requester = 'total') AS total_handled,
           max(a.count) FILTER (WHERE a.outcome = 'carried_forward' AND a.requester = 'total') AS carried_forward,
           max(a.count) FILTER (WHERE a.outcome = 'new_received' AND a.requester = 'natural_person') AS natural_person_received,
           CASE WHEN bool_and(a.count IS NOT NULL) FILTER (WHERE a.outcome = 'new_received' AND a.requester NOT IN ('natural_person', 'total'))
                THEN CAST(sum(a.count) FILTER (WHERE a.outcome = 'new_received' AND a.requester NOT IN ('natural_person', 'total')) AS BIGINT) END AS legal_person_received,
           CASE WHEN bool_and(a.count IS NOT NULL) FILTER (WHERE a.requester = 'total' AND c.code_group IN ('granted', 'partially_granted'))
                THEN CAST(sum(a.count) FILTER (WHERE a.requester = 'total' AND c.code_group IN ('granted', 'partially_granted')) AS BIGINT) END AS granted_n,
           CASE WHEN bool_and(a.count IS NOT NULL) FILTER (WHERE a.requester = 'total' AND c.code_group = 'withheld')
                THEN CAST(sum(a.count) FILTER (WHERE a.requester = 'total' AND c.code_group = 'withheld') AS BIGINT) END AS withheld_n,
           CASE WHEN bool_and(a.count IS NOT NULL) FILTER (WHERE a.requester = 'total' AND c.code_group = 'unavailable')
                THEN CAST(sum(a.count) FILTER (WHERE a.requester = 'total' AND c.code_group = 'unavailable') AS BIGINT) END AS unavailable_n,
           CASE WHEN bool_and(a.count IS NOT NULL) FILTER (WHERE a.requester = 'total' AND c.code_group = 'rejected')
                THEN CAST(sum(a.count) FILTER (WHERE a.requester = 'total' AND c.code_group = 'rejected') AS BIGINT) END AS rejected_n,
           CASE WHEN bool_and(a.count IS NOT NULL) FILTER (WHERE a.requester = 'total' AND c.code_group = 'other')
                THEN CAST(sum(a.count) FILTER (WHERE a.requester = 'total' AND c.code_group = 'other') AS BIGINT) END AS other_n
    FROM core.fact_applications a
    JOIN core.dim_code c ON c.axis = 'outcome' AND c.code = a.outcome
    WHERE a.report_id IN (SELECT report_id FROM cur)
    GROUP BY a.report_id
),
appeals AS (
    SELECT report_id,
           max(count) FILTER (WHERE proceeding = 'reconsideration' AND result = 'total') AS reconsiderations,
           max(count) FILTER (WHERE proceeding = 'reconsideration' AND result = 'corrected') AS reconsiderations_corrected,
           max(count) FILTER (WHERE proceeding = 'reconsideration' AND result = 'pending') AS reconsiderations_pending,
           CASE WHEN bool_and(count IS NOT NULL) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'total')
                THEN CAST(sum(count) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'total') AS BIGINT) END AS lawsuits,
           CASE WHEN bool_and(count IS NOT NULL) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'corrected')
                THEN CAST(sum(count) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'corrected') AS BIGINT) END AS lawsuits_corrected,
           CASE WHEN bool_and(count IS NOT NULL) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'pending')
                THEN CAST(sum(count) FILTER (WHERE proceeding <> 'reconsideration' AND result = 'pending') AS BIGINT) END AS lawsuits_pending
    FROM core.fact_appeals
    WHERE report_id IN (SELECT report_id FROM cur)
    GROUP BY report_id
),
-- the cells this mart's figures read, and how many of them are blank
inputs AS (
    SELECT report_id, fact_table, count(*) AS cells,
           count(*) FILTER (WHERE count IS NULL AND amount_wan_yuan IS NULL) AS blank
    FROM core.report_cells
    WHERE report_id IN (SELECT report_id FROM cur)
      AND (   (fact_table IN ('fact_permits', 'fact_penalties')
               AND row_code IN ('permits', 'penalties', 'coercion') AND column_code = 'decisions')
           OR (fact_table = 'fact_fees' AND column_code = 'amount_wan_yuan')
           OR (fact_table = 'fact_applications'
               AND (column_code = 'total' OR row_code = 'new_received'))
           OR fact_table = 'fact_appeals')
    GROUP BY report_id, fact_table
),
completeness AS (
    SELECT cur.report_id,
           CAST(coalesce(sum(i.cells), 0) AS BIGINT) AS input_cells,
           CAST(coalesce(sum(i.blank), 0) AS BIGINT) AS blank_input_cells
    FROM cur LEFT JOIN inputs i USING (report_id)
    GROUP BY cur.report_id
),
tables_present AS (
    SELECT cur.report_id,
           nullif(concat_ws(',',
               CASE WHEN count(c.fact_table) FILTER (WHERE c.fact_table NOT IN ('fact_applications', 'fact_appeals')) = 0 THEN '二' END,
               CASE WHEN count(c.fact_table) FILTER (WHERE c.fact_table = 'fact_applications') = 0 THEN '三' END,
               CASE WHEN count(c.fact_table) FILTER (WHERE c.fact_table = 'fact_appeals') = 0 THEN '四' END),
               '') AS missing_tables
    FROM cur LEFT JOIN core.report_cells c USING (report_id)
    GROUP BY cur.report_id
),
base AS (
    SELECT cur.division_code, cur.district_name, cur.city, cur.province, cur.year,
           cur.report_id, cur.agency, cur.status, cur.is_sample,
           completeness.input_cells, completeness.blank_input_cells,
           tables_present.missing_tables,
           -- 2019 regulation 第四十九条: a county-level government by 31 March of the next year
           make_date(cur.year + 1, 3, 31) AS publication_deadline,
           nullif(fp.first_published_source, 'unknown') AS first_published_source,
           fp.first_published_on,
           CASE WHEN fp.first_published_source IN ('article_meta', 'article_text', 'list_page')
                THEN CAST(fp.first_published_on - make_date(cur.year + 1, 3, 31) AS INTEGER)
           END AS days_after_deadline,
           CASE WHEN fp.first_published_source = 'last_modified'
                THEN 'only the server''s Last-Modified time is known, not a date the portal prints'
                WHEN fp.first_published_source IN ('article_meta', 'article_text', 'list_page')
                     AND fp.first_published_on IS NULL
                THEN 'publication date missing'
                WHEN fp.first_published_source NOT IN ('article_meta', 'article_text', 'list_page')
                THEN 'no publication date known'
           END AS days_after_deadline_note,
           active.permits, active.permits_format,
           active.penalties, active.coercion, active.penalties_format,
           CASE WHEN fees.fees_format = '2021' THEN fees.fees_wan_yuan END AS fees_wan_yuan,
           fees.fees_format,
           apps.applications_received, apps.carried_over,
           apps.applications_received + apps.carried_over AS applications_accepted,
           apps.total_handled, apps.carried_forward,
           apps.natural_person_received, apps.legal_person_received,
           apps.natural_person_received / nullif(apps.applications_received, 0) AS natural_person_share,
           apps.legal_person_received / nullif(apps.applications_received, 0) AS legal_person_share,
           apps.granted_n / nullif(apps.total_handled, 0) AS grant_rate,
           apps.withheld_n / nullif(apps.total_handled, 0) AS withheld_rate,
           apps.unavailable_n / nullif(apps.total_handled, 0) AS unavailable_rate,
           apps.rejected_n / nullif(apps.total_handled, 0) AS rejected_rate,
           apps.other_n / nullif(apps.total_handled, 0) AS other_rate,
           apps.carried_forward / nullif(apps.applications_received + apps.carried_over, 0) AS carried_forward_rate,
           appeals.reconsiderations, appeals.reconsiderations_corrected,
           appeals.reconsiderations - appeals.reconsiderations_pending AS reconsiderations_decided,
           appeals.reconsiderations_corrected
               / nullif(appeals.reconsiderations - appeals.reconsiderations_pending, 0)
               AS reconsiderations_corrected_share,
           appeals.lawsuits, appeals.lawsuits_corrected,
           appeals.lawsuits - appeals.lawsuits_pending AS lawsuits_decided,
           appeals.lawsuits_corrected
               / nullif(appeals.lawsuits - appeals.lawsuits_pending, 0)
               AS lawsuits_corrected_share,
           (appeals.reconsiderations + appeals.lawsuits) / nullif(apps.applications_received, 0)
               AS dispute_rate
    FROM cur
    LEFT JOIN first_publication fp
      ON fp.division_code = cur.division_code AND fp.year = cur.year
    LEFT JOIN completeness USING (report_id)
    LEFT JOIN tables_present USING (report_id)
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
                          || ' (2019 counts fee items, 2021 an amount in 万元)' END,
                CASE WHEN b.blank_input_cells > 0 OR p.blank_input_cells > 0
                     THEN 'blank cells: ' || b.blank_input_cells || ' this year, '
                          || p.blank_input_cells || ' last year (changes needing them are null)' END),
                '')
       END AS yoy_note
FROM base b
LEFT JOIN base p ON p.division_code = b.division_code AND p.year = b.year - 1;

COMMENT ON TABLE marts.district_year IS '区县年度指标：每个区县每年一行，取区县政府当前版本报告（部门报告不计入）；所需单元格任一空白或缺表时该指标为空（空白不是零），blank_input_cells 说明完整程度；比率以（七）总计的总计列为分母；同比为本年减上年，格式变化或上年无报告时为空并在 yoy_note 说明 (one row per district and year from the current district-government report; rates over total handled; year-over-year = this year minus last, null where not comparable, see yoy_note; a figure is null when any cell it needs is blank or its table missing: blank is not zero, see blank_input_cells)';
COMMENT ON COLUMN marts.district_year.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.district_year.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.district_year.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.district_year.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.district_year.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.district_year.report_id IS '报告 ID：所用的当前版本报告 (core.dim_report.report_id of the report used)';
COMMENT ON COLUMN marts.district_year.agency IS '发布机关：报告所印 (publishing agency as printed)';
COMMENT ON COLUMN marts.district_year.status IS '报告状态 ok/flagged/partial (status of that report; flagged means a check failed, see marts.quality)';
COMMENT ON COLUMN marts.district_year.is_sample IS '是否样例 (true for synthetic sample-portal reports)';
COMMENT ON COLUMN marts.district_year.input_cells IS '输入单元格数：本行指标读取的所印单元格数（表二许可/处罚/强制处理决定数与收费金额、表三总计列与本年新收行、表四全部） (cells this row''s figures read: table 二 decision and fee-amount cells, table 三 总计 column and 一、本年新收 row, all of table 四)';
COMMENT ON COLUMN marts.district_year.blank_input_cells IS '空白输入单元格数：其中空白（或所印数值不可能，见 invalid_value）的单元格数；大于 0 时依赖这些单元格的指标为空，空白不按零计 (of input_cells, how many are blank or held an impossible value; every figure needing one of them is null: blank is never zero)';
COMMENT ON COLUMN marts.district_year.missing_tables IS '缺失表格：报告未印出的统计表，如 三,四；全有时为空；缺表时依赖它的指标为空 (statistics tables the report does not print, comma-separated among 二,三,四; null when all are printed; figures needing a missing table are null)';
COMMENT ON COLUMN marts.district_year.publication_deadline IS '公开期限：区县（县级）人民政府为次年 3 月 31 日（《政府信息公开条例》第四十九条；部门为次年 1 月 31 日，不在本表） (publication deadline: 31 March of the next year for a county-level government, 2019 regulation art. 49; departments, due 31 January, are not in this table)';
COMMENT ON COLUMN marts.district_year.first_published_source IS '首次发布日期来源：最早版本的 published_source（article_meta / article_text / list_page 为门户所印，last_modified 为服务器时间） (source of the first publication date: published_source of the earliest version)';
COMMENT ON COLUMN marts.district_year.first_published_on IS '首次发布日期：该报告最早版本的发布日期（北京时间） (first publication date: that of the report''s earliest version, Beijing time)';
COMMENT ON COLUMN marts.district_year.days_after_deadline IS '逾期天数：首次发布日期 − 公开期限，负数为提前；仅依据门户所印日期（列表页或文章），只有 Last-Modified 或未知时为空，原因见 days_after_deadline_note (days after the deadline: first publication date minus the deadline, negative when early; only from a date the portal prints, list page or article; null when only Last-Modified or nothing is known, see days_after_deadline_note)';
COMMENT ON COLUMN marts.district_year.days_after_deadline_note IS '逾期天数为空的原因：只有服务器 Last-Modified 时间，或发布日期未知；有值时为空 (why days_after_deadline is null: only the server''s Last-Modified is known, or no date at all; null when it has a value)';
COMMENT ON COLUMN marts.district_year.permits IS '行政许可处理决定数量 (permit decisions, 处理决定数量; compare only within one template, see permits_format)';
COMMENT ON COLUMN marts.district_year.permits_format IS '行政许可所在表格格式 2019/2021 (template of the permits row)';
COMMENT ON COLUMN marts.district_year.penalties IS '行政处罚处理决定数量 (administrative penalty decisions)';
COMMENT ON COLUMN marts.district_year.coercion IS '行政强制处理决定数量 (administrative coercion decisions)';
COMMENT ON COLUMN marts.district_year.penalties_format IS '行政处罚/行政强制所在表格格式 2019/2021 (template of the penalties and coercion rows)';
COMMENT ON COLUMN marts.district_year.fees_wan_yuan IS '行政事业性收费金额（万元）：仅 2021 格式报告给出金额，2019 格式为空 (fees collected in 万元; null for 2019-format reports, which count fee items instead)';
COMMENT ON COLUMN marts.district_year.fees_format IS '行政事业性收费所在表格格式 2019/2021 (template of the fees row)';
COMMENT ON COLUMN marts.district_year.applications_received IS '本年新收政府信息公开申请数量（总计列） (new applications received, 总计 column)';
COMMENT ON COLUMN marts.district_year.carried_over IS '上年结转申请数量 (applications carried over from the previous year)';
COMMENT ON COLUMN marts.district_year.applications_accepted IS '受理总量：本年新收 + 上年结转（总计列）；任一空白则为空 (applications on hand = new received + carried over, 总计 column; null when either is blank)';
COMMENT ON COLUMN marts.district_year.natural_person_received IS '自然人本年新收申请数 (new applications from natural persons)';
COMMENT ON COLUMN marts.district_year.legal_person_received IS '法人或其他组织本年新收申请数：商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他；任一空白则为空 (new applications from legal persons or other organisations: commercial enterprises + research institutions + social welfare organisations + legal service organisations + other; null when any is blank)';
COMMENT ON COLUMN marts.district_year.natural_person_share IS '自然人申请占比：自然人本年新收 / 本年新收总计 (natural persons'' share; denominator: new applications received, 总计 column)';
COMMENT ON COLUMN marts.district_year.legal_person_share IS '法人或其他组织申请占比：五类组织本年新收之和 / 本年新收总计 (legal persons and other organisations'' share; denominator: new applications received, 总计 column)';
COMMENT ON COLUMN marts.district_year.carried_forward_rate IS '结转率：结转下年度继续办理 / 受理总量（本年新收 + 上年结转） (carry-forward rate: carried forward / applications on hand = new received + carried over)';
COMMENT ON COLUMN marts.district_year.total_handled IS '本年办理结果总计（七） (applications handled, （七）总计)';
COMMENT ON COLUMN marts.district_year.carried_forward IS '结转下年度继续办理 (applications carried forward to next year)';
COMMENT ON COLUMN marts.district_year.grant_rate IS '公开率：（予以公开 + 部分公开）/（七）总计，总计列；任一所需单元格空白则为空 (grant rate: (granted + partially granted) / total handled, 总计 column; null when any needed cell is blank)';
COMMENT ON COLUMN marts.district_year.withheld_rate IS '不予公开率：（三）不予公开八项之和 /（七）总计；任一空白则为空 (withheld: sum of the eight grounds / total handled; null when any is blank)';
COMMENT ON COLUMN marts.district_year.unavailable_rate IS '无法提供率：（四）无法提供三项之和 /（七）总计；任一空白则为空 (unavailable: sum of its three rows / total handled; null when any is blank)';
COMMENT ON COLUMN marts.district_year.rejected_rate IS '不予处理率：（五）不予处理五项之和 /（七）总计；任一空白则为空 (rejected: sum of its five rows / total handled; null when any is blank)';
COMMENT ON COLUMN marts.district_year.other_rate IS '其他处理率：（六）其他处理（单行或三项之和）/（七）总计；任一空白则为空 (other handling, single row or the sum of the split rows, / total handled; null when any is blank)';
COMMENT ON COLUMN marts.district_year.reconsiderations IS '行政复议总计（所印） (administrative reconsiderations, 总计 as printed)';
COMMENT ON COLUMN marts.district_year.reconsiderations_corrected IS '行政复议结果纠正 (reconsiderations with result corrected)';
COMMENT ON COLUMN marts.district_year.reconsiderations_decided IS '行政复议已审结数：总计 − 尚未审结，复议纠错率的分母 (reconsiderations decided: total − pending; the denominator of reconsiderations_corrected_share)';
COMMENT ON COLUMN marts.district_year.reconsiderations_corrected_share IS '行政复议纠错率：结果纠正 / 已审结（总计 − 尚未审结，见 reconsiderations_decided）；任一空白则为空 (reconsideration correction rate: corrected / decided = total − pending; null when any is blank)';
COMMENT ON COLUMN marts.district_year.lawsuits IS '行政诉讼总计：未经复议直接起诉 + 复议后起诉；任一空白则为空 (lawsuits, direct plus after reconsideration; null when either total is blank)';
COMMENT ON COLUMN marts.district_year.lawsuits_corrected IS '行政诉讼结果纠正 (lawsuits with result corrected)';
COMMENT ON COLUMN marts.district_year.lawsuits_decided IS '行政诉讼已审结数：总计 − 尚未审结（两类诉讼合计），诉讼纠错率的分母 (lawsuits decided: total − pending over both kinds of lawsuit; the denominator of lawsuits_corrected_share)';
COMMENT ON COLUMN marts.district_year.lawsuits_corrected_share IS '行政诉讼纠错率：结果纠正 / 已审结（总计 − 尚未审结，见 lawsuits_decided）；任一空白则为空 (lawsuit correction rate: corrected / decided = total − pending; null when any is blank)';
COMMENT ON COLUMN marts.district_year.dispute_rate IS '争议转化率：（行政复议总计 + 行政诉讼总计）/ 本年新收申请总计 (dispute rate: (reconsiderations + lawsuits) / new applications received)';
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
COMMENT ON COLUMN marts.district_year.yoy_note IS '同比说明：为何某些同比为空（上年无报告、表格格式变化、空白单元格），均可比时为空 (why year-over-year values are null: no previous report, a template change, or blank cells in either year; null when all are comparable)';
