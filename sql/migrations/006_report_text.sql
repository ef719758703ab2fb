-- 006: the report's narrative text (the prose outside the statistics tables, every page), as the
-- extractor keeps it (contract extra key "text"); marts.text_reuse compares it across years.

CREATE TABLE IF NOT EXISTS core.report_text (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    text           VARCHAR NOT NULL,
    characters     INTEGER NOT NULL
);
COMMENT ON TABLE core.report_text IS '报告正文：统计表以外的全部文字（总体情况、存在的问题及改进情况等，全部页面），每个报告版本一行 (the report''s narrative: all text outside the statistics tables, every page; one row per report version)';
COMMENT ON COLUMN core.report_text.report_id IS '报告 ID (core.dim_report.report_id; replaced with the report)';
COMMENT ON COLUMN core.report_text.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.report_text.year IS '报告年度 (year covered, copied from the report)';
COMMENT ON COLUMN core.report_text.text IS '正文：抽取器所读文字，去掉第二至第四部分（统计表） (text as the extractor read it, sections 二 to 四, the tables, left out)';
COMMENT ON COLUMN core.report_text.characters IS '字符数 (number of characters of text)';
