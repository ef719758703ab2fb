-- marts.requester_mix: who asks. Share of each requester type among the new applications a
-- district received in a year (一、本年新收, over its printed 总计 column). Table 三 has the same
-- columns in the 2019 and 2021 templates, so these shares compare across formats. A blank cell
-- (this requester's or the total) gives no share: blank is not zero. requester_group puts the
-- five organisation columns together as 法人或其他组织 (legal persons and other organisations).
-- depends:

CREATE OR REPLACE TABLE marts.requester_mix AS
SELECT cur.division_code, cur.district_name, cur.city, cur.province, cur.year, cur.report_id,
       a.requester, c.label AS requester_label,
       CASE WHEN a.requester = 'natural_person' THEN 'natural_person'
            ELSE 'legal_person_or_org' END AS requester_group,
       a.count AS applications_received,
       t.count AS applications_received_total,
       a.count / nullif(t.count, 0) AS share
FROM core.current_district_report cur
JOIN core.fact_applications a
  ON a.report_id = cur.report_id AND a.outcome = 'new_received' AND a.requester <> 'total'
JOIN core.dim_code c ON c.axis = 'requester' AND c.code = a.requester
LEFT JOIN core.fact_applications t
  ON t.report_id = cur.report_id AND t.outcome = 'new_received' AND t.requester = 'total';

COMMENT ON TABLE marts.requester_mix IS '申请人构成：每个区县每年每类申请人一行，其本年新收申请占总计的比例；表三两种格式列相同，可跨格式比较 (share of each requester type among new applications per district and year; comparable across templates)';
COMMENT ON COLUMN marts.requester_mix.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN marts.requester_mix.district_name IS '区县名称 (official district name)';
COMMENT ON COLUMN marts.requester_mix.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN marts.requester_mix.province IS '所属省份 (province)';
COMMENT ON COLUMN marts.requester_mix.year IS '报告年度 (year covered)';
COMMENT ON COLUMN marts.requester_mix.report_id IS '报告 ID (core.dim_report.report_id of the report used)';
COMMENT ON COLUMN marts.requester_mix.requester IS '申请人类型代码 (requester code, core.dim_code axis=requester)';
COMMENT ON COLUMN marts.requester_mix.requester_label IS '申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他 (printed requester label)';
COMMENT ON COLUMN marts.requester_mix.requester_group IS '申请人大类：natural_person 自然人 / legal_person_or_org 法人或其他组织（商业企业、科研机构、社会公益组织、法律服务机构、其他） (requester group: natural persons, or legal persons and other organisations = the five organisation columns)';
COMMENT ON COLUMN marts.requester_mix.applications_received IS '该类申请人本年新收申请数 (new applications from this requester type; null when printed blank)';
COMMENT ON COLUMN marts.requester_mix.applications_received_total IS '本年新收申请总计（所印总计列） (new applications, printed 总计 column)';
COMMENT ON COLUMN marts.requester_mix.share IS '占比：该类本年新收 / 本年新收总计列；任一空白则为空；报告合计有误时各类之和可能不为 1 (share: this requester''s new applications / new applications received, printed 总计 column; null when either is blank; may not sum to 1 where the report''s own sum is wrong)';
