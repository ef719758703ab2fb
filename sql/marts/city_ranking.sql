-- marts.city_ranking: each district's rank within its city and within its province per year,
-- one row per district, year and metric. Standard competition ranking (RANK(): ties share a
-- rank, the next rank is skipped); rank 1 is the highest value. Districts without a value are
-- not ranked. Measures whose meaning depends on the template (permits, penalties, fees) are
-- ranked only among districts reporting in the same template (metric_format).
-- depends: district_year

CREATE OR REPLACE TABLE marts.city_ranking AS
WITH metrics AS (
    SELECT division_code, district_name, city, province, year, 'applications_received' AS metric,
           CAST(applications_received AS DOUBLE) AS value, CAST(NULL AS VARCHAR) AS metric_format
    FROM marts.district_year
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'grant_rate', grant_rate, NULL
    FROM marts.district_year
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'permits', permits, permits_format
    FROM marts.district_year
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'penalties', penalties, penalties_format
    FROM marts.district_year
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'fees_wan_yuan', fees_wan_yuan, fees_format
    FROM marts.district_year
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'reconsiderations', reconsiderations, NULL
    FROM marts.district_year
    UNION ALL
    SELECT division_code, district_name, city, province, year, 'reconsiderations_corrected_share',
           reconsiderations_corrected_share, NULL
    FROM marts.district_year
)
SELECT division_code, district_name, city, province, year, metric, metric_format, value,
       CASE WHEN value IS NOT NULL AND city IS NOT NULL THEN
           RANK() OVER (PARTITION BY city, province, year, metric, metric_format
                        ORDER BY value DESC NULLS LAST) END AS city_rank,
       CASE WHEN city IS NOT NULL THEN
           count(value) OVER (PARTITION BY city, province, year, metric, metric_format) END
           AS city_ranked,
       CASE WHEN value IS NOT NULL AND province IS NOT NULL THEN
           RANK() OVER (PARTITION BY province, year, metric, metric_format
                        ORDER BY value DESC NULLS LAST) END AS province_rank,
       CASE WHEN province IS NOT NULL THEN
           count(value) OVER (PARTITION BY province, year, metric, metric_format) END
           AS province_ranked
FROM metrics;

COMMENT ON TABLE marts.city_ranking IS '市内及省内排名：每个区县每年每个指标一行，按指标值从高到低的标准竞争排名（并列同名次，RANK()）；与格式相关的指标只在同格式区县间排名 (rank of each district within its city and province per year and metric; RANK(), 1 = highest, ties share a rank; template-dependent metrics ranked within one template)';
COMMENT ON COLUMN marts.city_ranking.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.city_ranking.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.city_ranking.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.city_ranking.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.city_ranking.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.city_ranking.metric IS '指标：applications_received 新收申请 / grant_rate 公开率 / permits 行政许可 / penalties 行政处罚 / fees_wan_yuan 收费金额 / reconsiderations 行政复议 / reconsiderations_corrected_share 复议纠错率 (metric, a column of marts.district_year)';
COMMENT ON COLUMN marts.city_ranking.metric_format IS '指标格式 2019/2021：仅与格式相关的指标，排名只在同格式内进行 (template of template-dependent metrics; ranks compare one template only)';
COMMENT ON COLUMN marts.city_ranking.value IS '指标值 (metric value from marts.district_year)';
COMMENT ON COLUMN marts.city_ranking.city_rank IS '市内名次：1 为最高，并列同名次，无值不排名 (rank within the city, 1 = highest, ties share a rank; null without a value)';
COMMENT ON COLUMN marts.city_ranking.city_ranked IS '市内参与排名的区县数 (districts of the city ranked on this metric that year)';
COMMENT ON COLUMN marts.city_ranking.province_rank IS '省内名次 (rank within the province, 1 = highest)';
COMMENT ON COLUMN marts.city_ranking.province_ranked IS '省内参与排名的区县数 (districts of the province ranked on this metric that year)';
