-- 002: dimensions and long-form facts (one row per printed table cell).
-- Codes (item, measure, outcome, requester, proceeding, result) are those of the contract
-- gongkai.report/1; core.dim_code lists them with their Chinese labels.

CREATE TABLE IF NOT EXISTS core.dim_district (
    division_code  VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    city           VARCHAR,
    province       VARCHAR,
    level          VARCHAR,
    note           VARCHAR,
    in_registry    BOOLEAN NOT NULL,
    is_sample      BOOLEAN NOT NULL
);
COMMENT ON TABLE core.dim_district IS '区县维度：每个县级行政区一行，来自门户登记表与随附的区划代码表 data/divisions.csv (one row per county-level division, from the portal registry and the bundled division-code table)';
COMMENT ON COLUMN core.dim_district.division_code IS '行政区划代码：6 位，GB/T 2260 (6-digit division code, GB/T 2260); join key of every fact';
COMMENT ON COLUMN core.dim_district.name IS '区县名称：官方名称 (official name)';
COMMENT ON COLUMN core.dim_district.city IS '所属地级市 (prefecture-level city)';
COMMENT ON COLUMN core.dim_district.province IS '所属省份 (province)';
COMMENT ON COLUMN core.dim_district.level IS '级别：市辖区 / 县 / 自治县 / 县级市 / 旗 / 自治旗 等，按官方名称判断 (kind of division, from the official name)';
COMMENT ON COLUMN core.dim_district.note IS '备注：如代码的特殊情况 (note, e.g. how a division without an own code is coded)';
COMMENT ON COLUMN core.dim_district.in_registry IS '是否在门户登记表中：true 表示期望每年都有报告，用于 marts.coverage (true when a portal of the registry covers it, so a report is expected every year)';
COMMENT ON COLUMN core.dim_district.is_sample IS '是否样例门户：true 为本地样例站点 (true when its portal is a bundled sample site)';

CREATE TABLE IF NOT EXISTS core.dim_code (
    axis         VARCHAR NOT NULL,
    code         VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    code_group   VARCHAR,
    group_label  VARCHAR,
    position     INTEGER NOT NULL,
    PRIMARY KEY (axis, code)
);
COMMENT ON TABLE core.dim_code IS '代码表：事实表中各代码的中文标签，来自数据契约 pipeline/contract.py (the contract codes used in the facts with their printed Chinese labels)';
COMMENT ON COLUMN core.dim_code.axis IS '维度：item 事项 / measure 指标 / outcome 办理结果 / requester 申请人类型 / proceeding 复议诉讼类型 / result 审理结果 (which fact column the code belongs to)';
COMMENT ON COLUMN core.dim_code.code IS '代码 (the code as stored in the fact tables)';
COMMENT ON COLUMN core.dim_code.label IS '中文标签：报告表格中的行列名 (row or column label as printed in the report template)';
COMMENT ON COLUMN core.dim_code.code_group IS '分组：办理结果的大类 granted/partially_granted/withheld/unavailable/rejected/other (outcome group; other rolls up single and split 其他处理)';
COMMENT ON COLUMN core.dim_code.group_label IS '分组标签：如（三）不予公开 (printed label of the group)';
COMMENT ON COLUMN core.dim_code.position IS '顺序：表格中的行列顺序 (order in the report table)';

CREATE TABLE IF NOT EXISTS core.dim_report (
    report_id                   BIGINT PRIMARY KEY,
    source_sha256               VARCHAR NOT NULL,
    division_code               VARCHAR NOT NULL,
    agency                      VARCHAR,
    agency_kind                 VARCHAR NOT NULL,
    version_key                 VARCHAR NOT NULL,
    year                        INTEGER,
    title                       VARCHAR,
    source_url                  VARCHAR,
    source_path                 VARCHAR,
    source_format               VARCHAR,
    template_active_disclosure  VARCHAR,
    template_other_handling     VARCHAR,
    status                      VARCHAR NOT NULL,
    extracted_status            VARCHAR,
    errors                      VARCHAR[],
    load_errors                 VARCHAR[],
    finding_count               INTEGER NOT NULL,
    cell_count                  INTEGER NOT NULL,
    published_at                TIMESTAMPTZ,
    first_seen                  TIMESTAMPTZ,
    extracted_at                TIMESTAMPTZ,
    loaded_at                   TIMESTAMPTZ NOT NULL,
    is_sample                   BOOLEAN NOT NULL,
    is_current                  BOOLEAN NOT NULL,
    version_rank                INTEGER NOT NULL
);
COMMENT ON TABLE core.dim_report IS '报告维度：每个抽取的报告版本一行（同一区县同一年度更正重发的报告各占一行，最新的为当前版本） (one row per extracted report version; a corrected republication is a new row and becomes current)';
COMMENT ON COLUMN core.dim_report.report_id IS '报告 ID：源文档 SHA-256 前 15 个十六进制位转成的整数；同一文档重新抽取 ID 不变 (integer from the first 15 hex digits of the source sha256; stable across re-extraction); key of every fact row';
COMMENT ON COLUMN core.dim_report.source_sha256 IS '源文档 SHA-256 (sha256 of the source document; joins raw.documents.sha256)';
COMMENT ON COLUMN core.dim_report.division_code IS '行政区划代码 (6-digit division code of the district the report belongs to)';
COMMENT ON COLUMN core.dim_report.agency IS '发布机关：报告所印名称，各年可能不同，比较请用区划代码 (publishing agency as printed; varies between years, join on division_code)';
COMMENT ON COLUMN core.dim_report.agency_kind IS '机关类别：district 区县政府 / department 部门；区县比较只用区县政府报告 (district government or department; district comparisons use district reports only)';
COMMENT ON COLUMN core.dim_report.version_key IS '版本分组键：区县政府报告为空串，部门报告为机关名称；同区县、年度、类别、分组键的报告互为版本 (reports sharing division, year, kind and this key are versions of one report)';
COMMENT ON COLUMN core.dim_report.year IS '报告年度：报告所涉年度，不是发布年度 (year the report covers, not the publication year)';
COMMENT ON COLUMN core.dim_report.title IS '标题：报告所印 (title as printed, may be null)';
COMMENT ON COLUMN core.dim_report.source_url IS '来源网址 (URL the document was fetched from, null for manual imports)';
COMMENT ON COLUMN core.dim_report.source_path IS '源文件路径：抽取时的路径 (path of the document when it was extracted)';
COMMENT ON COLUMN core.dim_report.source_format IS '源格式：html/pdf/text/docx/doc/wps (document format)';
COMMENT ON COLUMN core.dim_report.template_active_disclosure IS '表二格式：第二十条第（一）项所用格式 2019（国办公开办函〔2019〕60号）或 2021（〔2021〕30号） (format of table 二 clause (一): 2019 or 2021 template)';
COMMENT ON COLUMN core.dim_report.template_other_handling IS '（六）其他处理格式：single 单行 / split 分三项 (single-row or split 其他处理)';
COMMENT ON COLUMN core.dim_report.status IS '状态：ok 正常 / flagged 有校验问题 / partial 缺表 / unsupported 无法读取表格 / failed 失败；仓库拒收的文档为 failed (extraction status; failed too when the warehouse rejected the document, see load_errors)';
COMMENT ON COLUMN core.dim_report.extracted_status IS '抽取状态：抽取器给出的原始状态 (status as given by the extractor)';
COMMENT ON COLUMN core.dim_report.errors IS '抽取错误：抽取器给出的原因 (reasons given by the extractor, e.g. missing tables)';
COMMENT ON COLUMN core.dim_report.load_errors IS '载入错误：仓库拒收文档的原因，空表示已载入 (why the warehouse rejected the document; empty when its cells were loaded)';
COMMENT ON COLUMN core.dim_report.finding_count IS '校验问题数：core.report_findings 中的行数 (number of findings in core.report_findings)';
COMMENT ON COLUMN core.dim_report.cell_count IS '单元格数：载入各事实表的行数之和 (cells loaded into the fact tables)';
COMMENT ON COLUMN core.dim_report.published_at IS '发布时间：门户所示，用于判断最新版本 (publication time when known; decides the newest version)';
COMMENT ON COLUMN core.dim_report.first_seen IS '首次发现时间：抓取器首次见到该文档 (first time the crawler saw the document; fallback for the newest version)';
COMMENT ON COLUMN core.dim_report.extracted_at IS '抽取时间 (when the document was extracted)';
COMMENT ON COLUMN core.dim_report.loaded_at IS '载入时间 (when this row was loaded into the warehouse)';
COMMENT ON COLUMN core.dim_report.is_sample IS '是否样例：true 为样例门户的合成报告，不是真实数据 (true for synthetic reports of the sample portals)';
COMMENT ON COLUMN core.dim_report.is_current IS '是否当前版本：同一版本组中可用（ok/flagged/partial）且最新发布的那一份 (the usable, newest version of its version group)';
COMMENT ON COLUMN core.dim_report.version_rank IS '版本序号：1 为当前版本，2 为上一版本，依次类推 (1 = current, 2 = the version before, ...)';

CREATE TABLE IF NOT EXISTS core.report_findings (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    rule           VARCHAR NOT NULL,
    location       VARCHAR,
    message        VARCHAR
);
COMMENT ON TABLE core.report_findings IS '报告校验问题：抽取器对单份报告的算术校验未通过项，来源数字有误时标记而不修正 (failed arithmetic checks of one report; the source is flagged, never corrected)';
COMMENT ON COLUMN core.report_findings.report_id IS '报告 ID (core.dim_report.report_id)';
COMMENT ON COLUMN core.report_findings.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.report_findings.year IS '报告年度 (year covered, copied from the report)';
COMMENT ON COLUMN core.report_findings.rule IS '规则：carry_balance 结转平衡 / outcome_sum 办理结果合计 / requester_sum 申请人合计 / appeal_sum 复议诉讼合计 (rule that failed)';
COMMENT ON COLUMN core.report_findings.location IS '位置：如 applications/total、appeals/reconsideration (where, the contract key "where")';
COMMENT ON COLUMN core.report_findings.message IS '说明：涉及的数字 (message with the numbers involved)';

CREATE TABLE IF NOT EXISTS core.fact_regulatory_documents (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    item           VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_regulatory_documents IS '规章和规范性文件：主动公开表二 第二十条第（一）项，每个单元格一行 (table 二 clause (一): regulations and normative documents, one row per cell)';
COMMENT ON COLUMN core.fact_regulatory_documents.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_regulatory_documents.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_regulatory_documents.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_regulatory_documents.item IS '事项：regulations 规章 / normative_documents （行政）规范性文件 (item)';
COMMENT ON COLUMN core.fact_regulatory_documents.measure IS '指标：本年新制作数量/本年制发件数等，见 core.dim_code axis=measure (measure code; its meaning depends on format)';
COMMENT ON COLUMN core.fact_regulatory_documents.format IS '格式：该单元格所属表格格式 2019 或 2021；两种格式的指标含义不同，不可混用 (template of the sub-table this cell comes from; 2019 and 2021 measures differ in meaning, never compare across)';
COMMENT ON COLUMN core.fact_regulatory_documents.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_regulatory_documents.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_regulatory_documents.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_regulatory_documents.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_regulatory_documents.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_regulatory_documents.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_regulatory_documents.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';

CREATE TABLE IF NOT EXISTS core.fact_permits (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    item           VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_permits IS '行政许可及其他对外管理服务事项：表二 第二十条第（五）项，其他对外管理服务事项仅见于 2019 格式 (table 二 clause (五): permits, and other services in 2019-format reports)';
COMMENT ON COLUMN core.fact_permits.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_permits.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_permits.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_permits.item IS '事项：permits 行政许可 / other_services 其他对外管理服务事项 (item)';
COMMENT ON COLUMN core.fact_permits.measure IS '指标：本年新制作数量/本年制发件数等，见 core.dim_code axis=measure (measure code; its meaning depends on format)';
COMMENT ON COLUMN core.fact_permits.format IS '格式：该单元格所属表格格式 2019 或 2021；两种格式的指标含义不同，不可混用 (template of the sub-table this cell comes from; 2019 and 2021 measures differ in meaning, never compare across)';
COMMENT ON COLUMN core.fact_permits.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_permits.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_permits.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_permits.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_permits.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_permits.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_permits.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';

CREATE TABLE IF NOT EXISTS core.fact_penalties (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    item           VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_penalties IS '行政处罚和行政强制：表二 第二十条第（六）项，以 item 区分 (table 二 clause (六): penalties and coercion, told apart by item)';
COMMENT ON COLUMN core.fact_penalties.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_penalties.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_penalties.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_penalties.item IS '事项：penalties 行政处罚 / coercion 行政强制 (item)';
COMMENT ON COLUMN core.fact_penalties.measure IS '指标：本年新制作数量/本年制发件数等，见 core.dim_code axis=measure (measure code; its meaning depends on format)';
COMMENT ON COLUMN core.fact_penalties.format IS '格式：该单元格所属表格格式 2019 或 2021；两种格式的指标含义不同，不可混用 (template of the sub-table this cell comes from; 2019 and 2021 measures differ in meaning, never compare across)';
COMMENT ON COLUMN core.fact_penalties.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_penalties.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_penalties.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_penalties.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_penalties.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_penalties.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_penalties.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';

CREATE TABLE IF NOT EXISTS core.fact_fees (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    item           VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_fees IS '行政事业性收费：表二 第二十条第（八）项；2021 格式为收费金额（万元），2019 格式为收费项目数 (table 二 clause (八): fees; an amount in 万元 in the 2021 format, item counts in 2019)';
COMMENT ON COLUMN core.fact_fees.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_fees.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_fees.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_fees.item IS '事项：fees 行政事业性收费 (item)';
COMMENT ON COLUMN core.fact_fees.measure IS '指标：本年新制作数量/本年制发件数等，见 core.dim_code axis=measure (measure code; its meaning depends on format)';
COMMENT ON COLUMN core.fact_fees.format IS '格式：该单元格所属表格格式 2019 或 2021；两种格式的指标含义不同，不可混用 (template of the sub-table this cell comes from; 2019 and 2021 measures differ in meaning, never compare across)';
COMMENT ON COLUMN core.fact_fees.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_fees.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_fees.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_fees.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_fees.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_fees.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_fees.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';

CREATE TABLE IF NOT EXISTS core.fact_procurement (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    item           VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    format         VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_procurement IS '政府集中采购：表二 第二十条第（九）项，仅 2019 格式 (table 二 clause (九): central government procurement, 2019 format only)';
COMMENT ON COLUMN core.fact_procurement.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_procurement.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_procurement.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_procurement.item IS '事项：procurement 政府集中采购 (item)';
COMMENT ON COLUMN core.fact_procurement.measure IS '指标：projects 采购项目数量 / amount_wan_yuan 采购总金额（万元） (measure)';
COMMENT ON COLUMN core.fact_procurement.format IS '格式：该单元格所属表格格式 2019 或 2021；两种格式的指标含义不同，不可混用 (template of the sub-table this cell comes from; 2019 and 2021 measures differ in meaning, never compare across)';
COMMENT ON COLUMN core.fact_procurement.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_procurement.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_procurement.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_procurement.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_procurement.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_procurement.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_procurement.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';

CREATE TABLE IF NOT EXISTS core.fact_applications (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    outcome        VARCHAR NOT NULL,
    requester      VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_applications IS '政府信息公开申请：表三 收到和处理政府信息公开申请情况，办理结果 × 申请人类型，每个单元格一行 (table 三: applications, outcome × requester type, one row per cell)';
COMMENT ON COLUMN core.fact_applications.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_applications.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_applications.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_applications.outcome IS '办理结果：见 core.dim_code axis=outcome，如 new_received 本年新收、granted 予以公开、total_handled 总计 (outcome row)';
COMMENT ON COLUMN core.fact_applications.requester IS '申请人类型：natural_person 自然人 / commercial_enterprise 商业企业 / research_institution 科研机构 / social_welfare_org 社会公益组织 / legal_service_org 法律服务机构 / other_org 其他 / total 总计 (requester column)';
COMMENT ON COLUMN core.fact_applications.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_applications.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_applications.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_applications.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_applications.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_applications.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_applications.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';

CREATE TABLE IF NOT EXISTS core.fact_appeals (
    report_id      BIGINT NOT NULL,
    division_code  VARCHAR NOT NULL,
    year           INTEGER,
    proceeding     VARCHAR NOT NULL,
    result         VARCHAR NOT NULL,
    count          BIGINT,
    amount_wan_yuan DECIMAL(18,6),
    raw            VARCHAR,
    src_page       INTEGER,
    src_table      INTEGER,
    src_row        INTEGER,
    src_col        INTEGER,
    CHECK (count IS NULL OR amount_wan_yuan IS NULL)
);
COMMENT ON TABLE core.fact_appeals IS '行政复议和行政诉讼：表四，复议诉讼类型 × 审理结果，每个单元格一行 (table 四: reconsiderations and lawsuits, proceeding × result, one row per cell)';
COMMENT ON COLUMN core.fact_appeals.report_id IS '报告 ID (core.dim_report.report_id; the fact rows of one report are replaced together)';
COMMENT ON COLUMN core.fact_appeals.division_code IS '行政区划代码 (division code, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_appeals.year IS '报告年度 (year covered, copied from the report for easy joins)';
COMMENT ON COLUMN core.fact_appeals.proceeding IS '类型：reconsideration 行政复议 / litigation_direct 未经复议直接起诉 / litigation_after_reconsideration 复议后起诉 (proceeding)';
COMMENT ON COLUMN core.fact_appeals.result IS '结果：upheld 结果维持 / corrected 结果纠正 / other 其他结果 / pending 尚未审结 / total 总计 (result)';
COMMENT ON COLUMN core.fact_appeals.count IS '数量：件数等计数；空白单元格为空（空白不是零） (count value; null for a blank cell: blank is not zero)';
COMMENT ON COLUMN core.fact_appeals.amount_wan_yuan IS '金额（万元）：金额类指标，以元印出的已换算为万元；与 count 至多其一有值 (money in 万元, converted when printed in 元; at most one of count and amount is set, both null for a blank cell)';
COMMENT ON COLUMN core.fact_appeals.raw IS '原文：单元格所印文字，如 22（其中修订16件） (cell text as printed)';
COMMENT ON COLUMN core.fact_appeals.src_page IS '页码：PDF 中从 1 开始的页码 (1-based page of the cell in a PDF, null when unknown)';
COMMENT ON COLUMN core.fact_appeals.src_table IS '表序号：抽取器所建表格的序号，从 0 开始 (0-based index of the grid the reader built)';
COMMENT ON COLUMN core.fact_appeals.src_row IS '行序号，从 0 开始 (0-based row index in that grid)';
COMMENT ON COLUMN core.fact_appeals.src_col IS '列序号，从 0 开始 (0-based column index in that grid)';
