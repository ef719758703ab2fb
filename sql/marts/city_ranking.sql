-- marts.city_ranking: each district's rank within its city and within its province per year,
-- one row per district, year and metric its report prints, with the value's base (sample_size,
-- the denominator of a rate or share; null for a count). RANK(): ties share a rank, 1 = highest.
-- A null value, or a rate whose base is below GONGKAI_MIN_RANK_BASE (default 10), is not ranked.
-- depends: district_year

-- Template-dependent measures (permits, penalties, fees) rank only among districts reporting in
-- the same template (metric_format); a metric the district's template or report does not print
-- (fees in 万元 in a 2019-format report, a missing table) has no row. The minimum is the
-- variable min_rank_base set by build_marts.

CREATE OR REPLACE TABLE marts.city_ranking AS
WITH d AS (
    SELECT *,
           coalesce(missing_tables, '') NOT LIKE '%三%' AS has_applications,
           coalesce(missing_tables, '') NOT LIKE '%四%' AS has_appeals
    FROM marts.district_year
),
metrics AS (
    SELECT division_code, district_name, city, province, year, 'applications_received' AS metric,
           CAST(NULL AS VARCHAR) AS metric_format,
           CAST(applications_received AS DOUBLE) AS value, CAST(NULL AS BIGINT) AS sample_size
    FROM d WHERE has_applications
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'grant_rate', NULL, grant_rate,
           total_handled
    FROM d WHERE has_applications
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'legal_person_share', NULL,
           legal_person_share, applications_received
    FROM d WHERE has_applications
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'carried_forward_rate', NULL,
           carried_forward_rate, applications_accepted
    FROM d WHERE has_applications
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'dispute_rate', NULL,
           dispute_rate, applications_received
    FROM d WHERE has_applications AND has_appeals
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'permits', permits_format,
           permits, NULL
    FROM d WHERE permits_format IS NOT NULL
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'penalties', penalties_format,
           penalties, NULL
    FROM d WHERE penalties_format IS NOT NULL
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'fees_wan_yuan', fees_format,
           fees_wan_yuan, NULL
    FROM d WHERE fees_format = '2021'
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'reconsiderations', NULL,
           reconsiderations, NULL
    FROM d WHERE has_appeals
    UNION ALL
    SELECT division_code, district_name, city, province, year,
           'reconsiderations_corrected_share', NULL, reconsiderations_corrected_share,
           reconsiderations_decided
    FROM d WHERE has_appeals
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'lawsuits_corrected_share', NULL,
           lawsuits_corrected_share, lawsuits_decided
    FROM d WHERE has_appeals
),
judged AS (
    SELECT *,
           CAST(getvariable('min_rank_base') AS BIGINT) AS min_sample_size,
           CASE WHEN value IS NULL THEN
                     'no value: an input cell is blank or the denominator is 0'
                WHEN sample_size IS NOT NULL
                     AND sample_size < CAST(getvariable('min_rank_base') AS BIGINT) THEN
                     'base ' || sample_size || ' below the minimum of '
                     || getvariable('min_rank_base') || ' (GONGKAI_MIN_RANK_BASE)'
           END AS not_ranked_reason
    FROM metrics
)
SELECT division_code, district_name, city, province, year, metric, metric_format, value,
       sample_size, min_sample_size, not_ranked_reason IS NULL AS ranked, not_ranked_reason,
       CASE WHEN not_ranked_reason IS NULL AND city IS NOT NULL THEN
           RANK() OVER (PARTITION BY city, province, year, metric, metric_format,
                                     not_ranked_reason IS NULL
                        ORDER BY value DESC) END AS city_rank,
       CASE WHEN city IS NOT NULL THEN
           count(*) FILTER (WHERE not_ranked_reason IS NULL)
               OVER (PARTITION BY city, province, year, metric, metric_format) END
           AS city_ranked,
       CASE WHEN not_ranked_reason IS NULL AND province IS NOT NULL THEN
           RANK() OVER (PARTITION BY province, year, metric, metric_format,
                                     not_ranked_reason IS NULL
                        ORDER BY value DESC) END AS province_rank,
       CASE WHEN province IS NOT NULL THEN
           count(*) FILTER (WHERE not_ranked_reason IS NULL)
               OVER (PARTITION BY province, year, metric, metric_format) END
           AS province_ranked
FROM judged;

COMMENT ON TABLE marts.city_ranking IS '市内及省内排名：每个区县每年每个其报告所印指标一行，按指标值从高到低的标准竞争排名（并列同名次，RANK()）；比率附其分母 sample_size，分母低于最小样本量（GONGKAI_MIN_RANK_BASE，默认 10）或值为空时不排名；与格式相关的指标只在同格式区县间排名 (rank of each district within its city and province per year and metric its report prints; RANK(), 1 = highest, ties share a rank; rates carry their denominator in sample_size and are not ranked below the minimum base, GONGKAI_MIN_RANK_BASE, default 10; template-dependent metrics ranked within one template)';
COMMENT ON COLUMN marts.city_ranking.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.city_ranking.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.city_ranking.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.city_ranking.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.city_ranking.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.city_ranking.metric IS '指标，marts.district_year 的列：applications_received 新收申请 / grant_rate 公开率 / legal_person_share 法人或其他组织申请占比 / carried_forward_rate 结转率 / dispute_rate 争议转化率 / permits 行政许可 / penalties 行政处罚 / fees_wan_yuan 收费金额 / reconsiderations 行政复议 / reconsiderations_corrected_share 复议纠错率 / lawsuits_corrected_share 诉讼纠错率 (metric, a column of marts.district_year)';
COMMENT ON COLUMN marts.city_ranking.sample_size IS '样本量：该值的分母（grant_rate 为（七）总计，legal_person_share 与 dispute_rate 为本年新收总计，carried_forward_rate 为受理总量，纠错率为已审结数）；数量类指标无分母为空 (the value''s denominator: total handled for grant_rate, new applications for legal_person_share and dispute_rate, applications on hand for carried_forward_rate, decided cases for the corrected shares; null for counts, which have none)';
COMMENT ON COLUMN marts.city_ranking.min_sample_size IS '最小样本量：分母低于此值的比率不排名（GONGKAI_MIN_RANK_BASE，默认 10） (minimum base a rate needs to be ranked: GONGKAI_MIN_RANK_BASE, default 10)';
COMMENT ON COLUMN marts.city_ranking.ranked IS '是否参与排名 (true when the value is ranked)';
COMMENT ON COLUMN marts.city_ranking.not_ranked_reason IS '未排名原因：值为空，或分母低于最小样本量 (why the value is not ranked: no value, or a base below the minimum; null when ranked)';
COMMENT ON COLUMN marts.city_ranking.metric_format IS '指标格式 2019/2021：仅与格式相关的指标，排名只在同格式内进行 (template of template-dependent metrics; ranks compare one template only)';
COMMENT ON COLUMN marts.city_ranking.value IS '指标值 (metric value from marts.district_year)';
COMMENT ON COLUMN marts.city_ranking.city_rank IS '市内名次：1 为最高，并列同名次，无值不排名 (rank within the city, 1 = highest, ties share a rank; null when not ranked, see not_ranked_reason)';
COMMENT ON COLUMN marts.city_ranking.city_ranked IS '市内参与排名的区县数 (districts of the city ranked on this metric that year)';
COMMENT ON COLUMN marts.city_ranking.province_rank IS '省内名次 (rank within the province, 1 = highest)';
COMMENT ON COLUMN marts.city_ranking.province_ranked IS '省内参与排名的区县数 (districts of the province ranked on this metric that year)';
