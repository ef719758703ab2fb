-- 001: layers and the raw crawl catalog.
-- raw = what the crawler saw (append-only), core = dimensions and facts, marts = comparisons.

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;

CREATE TABLE IF NOT EXISTS raw.catalog_files (
    path            VARCHAR PRIMARY KEY,
    portal          VARCHAR,
    bytes           BIGINT,
    sha256          VARCHAR,
    lines           BIGINT,
    documents       BIGINT,
    fetch_errors    BIGINT,
    ignored         BIGINT,
    invalid_lines   BIGINT,
    invalid_detail  VARCHAR[],
    loaded_at       TIMESTAMPTZ
);
COMMENT ON TABLE raw.catalog_files IS '已载入的抓取目录文件：每个 catalog JSONL 文件一行；增量载入时据此跳过已载入的文件 (crawl catalog files already loaded; a rerun loads only files not listed here)';
COMMENT ON COLUMN raw.catalog_files.path IS '文件路径：相对 catalog 目录，<portal>/<file>.jsonl (path relative to the catalog directory)';
COMMENT ON COLUMN raw.catalog_files.portal IS '门户 ID：文件所在的门户目录名 (portal id, the directory the file sits in)';
COMMENT ON COLUMN raw.catalog_files.bytes IS '文件字节数 (file size in bytes when loaded)';
COMMENT ON COLUMN raw.catalog_files.sha256 IS '文件 SHA-256：目录文件写入后不再修改，用于核对 (sha256 of the file; catalog files are never modified after being written)';
COMMENT ON COLUMN raw.catalog_files.lines IS '行数：文件中的非空行 (non-empty lines in the file)';
COMMENT ON COLUMN raw.catalog_files.documents IS '文档记录数：载入 raw.documents 的行数 (kind=document records loaded)';
COMMENT ON COLUMN raw.catalog_files.fetch_errors IS '抓取错误记录数：载入 raw.fetch_errors 的行数 (kind=fetch_error records loaded)';
COMMENT ON COLUMN raw.catalog_files.ignored IS '忽略的记录数：其他 kind（如列表页），按约定不载入 (records of other kinds, e.g. list pages, ignored by design)';
COMMENT ON COLUMN raw.catalog_files.invalid_lines IS '无效行数：不是 JSON 对象或缺少必填字段的行 (lines that are not a JSON object or lack required keys)';
COMMENT ON COLUMN raw.catalog_files.invalid_detail IS '无效行说明：行号与原因 (line number and reason of each invalid line, first 20)';
COMMENT ON COLUMN raw.catalog_files.loaded_at IS '载入时间 (when the file was loaded, UTC)';

CREATE TABLE IF NOT EXISTS raw.documents (
    catalog_file   VARCHAR NOT NULL,
    line_no        INTEGER NOT NULL,
    run_id         VARCHAR,
    portal         VARCHAR,
    division_code  VARCHAR,
    url            VARCHAR,
    final_url      VARCHAR,
    title          VARCHAR,
    year           INTEGER,
    agency         VARCHAR,
    agency_kind    VARCHAR,
    role           VARCHAR,
    parent_url     VARCHAR,
    http_status    INTEGER,
    etag           VARCHAR,
    last_modified  VARCHAR,
    content_type   VARCHAR,
    sniffed_type   VARCHAR,
    bytes          BIGINT,
    sha256         VARCHAR,
    archive_path   VARCHAR,
    is_sample      BOOLEAN,
    first_seen     TIMESTAMPTZ,
    last_seen      TIMESTAMPTZ,
    fetched_at     TIMESTAMPTZ,
    change         VARCHAR
);
COMMENT ON TABLE raw.documents IS '抓取到的文档：抓取目录中 kind=document 的每条记录（每次运行每个 URL 一行，只追加）(every document record of the crawl catalog, one per run and URL, append-only)';
COMMENT ON COLUMN raw.documents.catalog_file IS '来源目录文件 (catalog file the record came from, see raw.catalog_files.path)';
COMMENT ON COLUMN raw.documents.line_no IS '行号：目录文件中的行号，从 1 开始 (1-based line number in the catalog file)';
COMMENT ON COLUMN raw.documents.run_id IS '抓取运行 ID (crawl run id)';
COMMENT ON COLUMN raw.documents.portal IS '门户 ID (portal id from the portal registry)';
COMMENT ON COLUMN raw.documents.division_code IS '行政区划代码：6 位 (6-digit administrative division code of the district)';
COMMENT ON COLUMN raw.documents.url IS '网址：请求的地址 (URL requested)';
COMMENT ON COLUMN raw.documents.final_url IS '最终网址：重定向后的地址 (URL after redirects)';
COMMENT ON COLUMN raw.documents.title IS '标题：列表或页面上的标题 (title as listed)';
COMMENT ON COLUMN raw.documents.year IS '报告年度：报告所涉年度，不是发布年度；未知为空 (year the report covers, not the publication year; null when unknown)';
COMMENT ON COLUMN raw.documents.agency IS '发布机关：列表所示 (publishing agency as listed, may be null)';
COMMENT ON COLUMN raw.documents.agency_kind IS '机关类别：district 区县政府 / department 部门 (district government or department)';
COMMENT ON COLUMN raw.documents.role IS '角色：article 正文页 / attachment 附件 (article page or attachment)';
COMMENT ON COLUMN raw.documents.parent_url IS '所属文章网址：附件所在的文章页，正文页为空 (article URL of an attachment, null for articles)';
COMMENT ON COLUMN raw.documents.http_status IS 'HTTP 状态码 (HTTP status of the fetch)';
COMMENT ON COLUMN raw.documents.etag IS 'ETag 响应头 (ETag header, used for revalidation)';
COMMENT ON COLUMN raw.documents.last_modified IS 'Last-Modified 响应头，原文 (Last-Modified header as sent)';
COMMENT ON COLUMN raw.documents.content_type IS 'Content-Type 响应头 (Content-Type header as sent)';
COMMENT ON COLUMN raw.documents.sniffed_type IS '实际类型：按文件头判断 html/pdf/docx/doc/wps/text/unknown (type from the first bytes)';
COMMENT ON COLUMN raw.documents.bytes IS '字节数 (body size in bytes)';
COMMENT ON COLUMN raw.documents.sha256 IS '内容 SHA-256：与 core.dim_report.source_sha256 对应 (sha256 of the body; joins core.dim_report.source_sha256)';
COMMENT ON COLUMN raw.documents.archive_path IS '存档路径：相对存档目录 (path of the stored body relative to the archive directory)';
COMMENT ON COLUMN raw.documents.is_sample IS '是否样例门户：true 为本地样例站点，不是真实数据 (true for the bundled sample portals, not real data)';
COMMENT ON COLUMN raw.documents.first_seen IS '首次发现时间 (first time the crawler saw this URL, UTC)';
COMMENT ON COLUMN raw.documents.last_seen IS '最近发现时间 (last time the crawler saw this URL, UTC)';
COMMENT ON COLUMN raw.documents.fetched_at IS '抓取时间 (when the body was fetched, UTC)';
COMMENT ON COLUMN raw.documents.change IS '变化：new 新增 / changed 内容变化 / unchanged 未变 (new, changed or unchanged since the previous run)';

CREATE TABLE IF NOT EXISTS raw.fetch_errors (
    catalog_file   VARCHAR NOT NULL,
    line_no        INTEGER NOT NULL,
    run_id         VARCHAR,
    portal         VARCHAR,
    division_code  VARCHAR,
    url            VARCHAR,
    error_class    VARCHAR,
    http_status    INTEGER,
    message        VARCHAR,
    attempts       INTEGER,
    failed_at      TIMESTAMPTZ
);
COMMENT ON TABLE raw.fetch_errors IS '抓取错误：抓取目录中 kind=fetch_error 的每条记录 (every fetch_error record of the crawl catalog, append-only)';
COMMENT ON COLUMN raw.fetch_errors.catalog_file IS '来源目录文件 (catalog file the record came from)';
COMMENT ON COLUMN raw.fetch_errors.line_no IS '行号，从 1 开始 (1-based line number in the catalog file)';
COMMENT ON COLUMN raw.fetch_errors.run_id IS '抓取运行 ID (crawl run id)';
COMMENT ON COLUMN raw.fetch_errors.portal IS '门户 ID (portal id)';
COMMENT ON COLUMN raw.fetch_errors.division_code IS '行政区划代码 (6-digit division code of the portal''s district)';
COMMENT ON COLUMN raw.fetch_errors.url IS '网址 (URL that failed)';
COMMENT ON COLUMN raw.fetch_errors.error_class IS '错误类别：timeout 超时 / http 状态码错误 / blocked 反爬拦截 / too_large 过大 / robots 禁止 / redirect 重定向 / connection 连接 / invalid 无效 (error class; the catalog key is "class")';
COMMENT ON COLUMN raw.fetch_errors.http_status IS 'HTTP 状态码，无则为空 (HTTP status, null when there was no response)';
COMMENT ON COLUMN raw.fetch_errors.message IS '错误信息 (error message)';
COMMENT ON COLUMN raw.fetch_errors.attempts IS '尝试次数 (attempts made)';
COMMENT ON COLUMN raw.fetch_errors.failed_at IS '发生时间 (when it failed, UTC; the catalog key is "at")';
