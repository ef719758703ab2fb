-- 003: convenience views over core that the marts and analysts share.

CREATE OR REPLACE VIEW core.current_district_report AS
SELECT r.report_id, r.division_code, d.name AS district_name, d.city, d.province, r.year,
       r.agency, r.status, r.template_active_disclosure, r.template_other_handling, r.is_sample
FROM core.dim_report r
LEFT JOIN core.dim_district d USING (division_code)
WHERE r.agency_kind = 'district' AND r.is_current AND r.year IS NOT NULL
  AND r.status IN ('ok', 'flagged', 'partial');
COMMENT ON VIEW core.current_district_report IS '当前区县政府报告：每个区县每年一份可用（ok/flagged/partial）的当前版本区县政府报告；部门报告不在其中 (the current, usable district-government report of each district and year; all district comparisons start here, department reports never do)';
COMMENT ON COLUMN core.current_district_report.report_id IS '报告 ID (core.dim_report.report_id)';
COMMENT ON COLUMN core.current_district_report.division_code IS '行政区划代码 (6-digit division code)';
COMMENT ON COLUMN core.current_district_report.district_name IS '区县名称 (official district name, core.dim_district.name)';
COMMENT ON COLUMN core.current_district_report.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN core.current_district_report.province IS '所属省份 (province)';
COMMENT ON COLUMN core.current_district_report.year IS '报告年度 (year covered)';
COMMENT ON COLUMN core.current_district_report.agency IS '发布机关：报告所印 (publishing agency as printed)';
COMMENT ON COLUMN core.current_district_report.status IS '状态：ok / flagged / partial (extraction status)';
COMMENT ON COLUMN core.current_district_report.template_active_disclosure IS '表二格式 2019/2021 (format of table 二 clause (一))';
COMMENT ON COLUMN core.current_district_report.template_other_handling IS '（六）其他处理格式 single/split (single-row or split 其他处理)';
COMMENT ON COLUMN core.current_district_report.is_sample IS '是否样例 (true for synthetic sample-portal reports)';

CREATE OR REPLACE VIEW core.report_cells AS
SELECT 'fact_regulatory_documents' AS fact_table, report_id, division_code, year, item AS row_code, measure AS column_code, format, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_regulatory_documents
UNION ALL SELECT 'fact_permits', report_id, division_code, year, item, measure, format, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_permits
UNION ALL SELECT 'fact_penalties', report_id, division_code, year, item, measure, format, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_penalties
UNION ALL SELECT 'fact_fees', report_id, division_code, year, item, measure, format, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_fees
UNION ALL SELECT 'fact_procurement', report_id, division_code, year, item, measure, format, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_procurement
UNION ALL SELECT 'fact_applications', report_id, division_code, year, outcome, requester, NULL, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_applications
UNION ALL SELECT 'fact_appeals', report_id, division_code, year, proceeding, result, NULL, count, amount_wan_yuan, raw, src_page, src_table, src_row, src_col FROM core.fact_appeals;
COMMENT ON VIEW core.report_cells IS '全部单元格：七张事实表合并，便于查看一份报告的所有单元格及其出处 (every fact row of the seven fact tables in one shape, to read a whole report with provenance)';
COMMENT ON COLUMN core.report_cells.fact_table IS '事实表名 (fact table the cell lives in)';
COMMENT ON COLUMN core.report_cells.report_id IS '报告 ID (core.dim_report.report_id)';
COMMENT ON COLUMN core.report_cells.division_code IS '行政区划代码 (division code)';
COMMENT ON COLUMN core.report_cells.year IS '报告年度 (year covered)';
COMMENT ON COLUMN core.report_cells.row_code IS '行代码：item / outcome / proceeding (row code of the cell)';
COMMENT ON COLUMN core.report_cells.column_code IS '列代码：measure / requester / result (column code of the cell)';
COMMENT ON COLUMN core.report_cells.format IS '格式 2019/2021，仅表二 (template of table 二 cells; null for tables 三 and 四)';
COMMENT ON COLUMN core.report_cells.count IS '数量 (count value, null when blank)';
COMMENT ON COLUMN core.report_cells.amount_wan_yuan IS '金额（万元） (money in 万元)';
COMMENT ON COLUMN core.report_cells.raw IS '原文 (cell text as printed)';
COMMENT ON COLUMN core.report_cells.src_page IS '页码，从 1 开始 (1-based PDF page)';
COMMENT ON COLUMN core.report_cells.src_table IS '表序号，从 0 开始 (0-based grid index)';
COMMENT ON COLUMN core.report_cells.src_row IS '行序号，从 0 开始 (0-based row index)';
COMMENT ON COLUMN core.report_cells.src_col IS '列序号，从 0 开始 (0-based column index)';
