-- Comments that caught up with the code: reports of other governments found on a district's
-- portal (agency_kind 'other') and the per-cell rules of the contract (invalid_value,
-- ocr_uncertain) beside the four arithmetic rules.

COMMENT ON COLUMN raw.documents.agency_kind IS '机关类别：district 区县政府 / department 部门 / other 其他政府（他区县或上级，标题所印名称） (district government, department, or another government whose report was found on this portal, as printed)';
COMMENT ON COLUMN core.dim_report.agency_kind IS '机关类别：district 区县政府 / department 部门 / other 其他政府；区县比较只用区县政府报告 (district government, department or another government; district comparisons use district reports only)';
COMMENT ON COLUMN core.report_findings.rule IS '规则：carry_balance 结转平衡 / outcome_sum 办理结果合计 / requester_sum 申请人合计 / appeal_sum 复议诉讼合计 / invalid_value 数值不可能（单元格值置空，原文保留） / ocr_uncertain OCR 置信度低于阈值 (rule that failed: the four arithmetic rules, a printed value no cell can hold, or a cell read by OCR below the confidence threshold)';
