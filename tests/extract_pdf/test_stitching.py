"""Tables cut by a page break are joined back: rows, row labels and group cells."""

from __future__ import annotations

from pipeline.extract.pdf_tables import Part, PCell, build_grid, clean, stitch

BOX = (0.0, 0.0, 180.0, 40.0)


def part(page: int, rows: list[list[tuple[float, float, str]]], **flags) -> Part:
    """One ruled table from rows of (x0, x1, text) cells, 20 pt high each; a non-empty cell
    repeated with the same (x0, x1, text) in the next rows is one cell spanning them."""
    cells: dict[tuple[float, float, str | int], list[int]] = {}
    order = []
    for r, row in enumerate(rows):
        for x0, x1, text in row:
            key = (x0, x1, text or r)
            if key not in cells:
                cells[key] = []
                order.append(key)
            cells[key].append(r)
    out = [
        PCell(x0, min(rs) * 20.0, x1, (max(rs) + 1) * 20.0, text if isinstance(text, str) else "")
        for (x0, x1, text), rs in ((k, cells[k]) for k in order)
    ]
    return Part(page, BOX, out, [], **flags)


def texts(grid) -> list[list[str]]:
    return [[c.text for c in row] for row in grid]


GROUP, SUBGROUP = "三、本年度", "（四）无"


def test_a_row_cut_by_the_page_break_is_joined():
    a = part(
        3,
        [
            [
                (0, 20, GROUP),
                (20, 60, SUBGROUP),
                (60, 120, "1.本机关不掌握相关政府信息"),
                (120, 150, "10"),
                (150, 180, "10"),
            ],
            [
                (0, 20, GROUP),
                (20, 60, SUBGROUP),
                (60, 120, "2.没有现成信息"),
                (120, 150, ""),
                (150, 180, ""),
            ],
        ],
        alone_bottom=True,
    )
    b = part(
        4,
        [
            [
                (0, 20, "办理结果"),
                (20, 60, "法提供"),
                (60, 120, "需要另行制作"),
                (120, 150, "3"),
                (150, 180, "3"),
            ],
            [
                (0, 20, "办理结果"),
                (20, 60, "法提供"),
                (60, 120, "3.补正后申请内容仍不明确"),
                (120, 150, "0"),
                (150, 180, "0"),
            ],
        ],
        alone_top=True,
    )
    groups = stitch([a, b])
    assert len(groups) == 1
    grid = build_grid(groups[0], 0)
    assert texts(grid) == [
        ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "10", "10"],
        ["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "3", "3"],
        ["三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", "0", "0"],
    ]
    assert grid[0][1].source == grid[2][1].source  # one printed group cell over two pages
    assert [row[3].page for row in grid] == [3, 3, 4]


def test_blank_group_cells_on_the_next_page_continue_the_group():
    a = part(
        3,
        [
            [
                (0, 20, GROUP),
                (20, 60, "（四）无法提供"),
                (60, 120, "1.本机关不掌握"),
                (120, 150, "10"),
                (150, 180, "10"),
            ]
        ],
        alone_bottom=True,
    )
    b = part(
        4,
        [
            [
                (0, 20, ""),
                (20, 60, ""),
                (60, 120, "2.没有现成信息需要另行制作"),
                (120, 150, "3"),
                (150, 180, "3"),
            ]
        ],
        alone_top=True,
    )
    grid = build_grid(stitch([a, b])[0], 0)
    assert texts(grid)[1] == [GROUP, "（四）无法提供", "2.没有现成信息需要另行制作", "3", "3"]
    assert grid[1][1].source == grid[0][1].source


def test_rows_of_separate_tables_stay_apart():
    """Text between the tables (alone_* False) or a new numbered label: nothing is joined."""
    a = part(3, [[(0, 60, "规章"), (60, 120, "1"), (120, 180, "2")]], alone_bottom=False)
    b = part(4, [[(0, 60, "行政许可"), (60, 120, "3"), (120, 180, "4")]], alone_top=True)
    assert len(stitch([a, b])) == 2
    a.alone_bottom = True
    grid = build_grid(stitch([a, b])[0], 0)
    assert texts(grid) == [["规章", "1", "2"], ["行政许可", "3", "4"]]


def test_a_blank_label_beside_a_label_continues_it():
    """（六）其他处理 drawn over two label columns with an empty second cell."""
    a = part(
        4,
        [
            [
                (0, 20, GROUP),
                (20, 60, "（六）其他处理"),
                (60, 120, ""),
                (120, 150, "0"),
                (150, 180, "0"),
            ]
        ],
    )
    grid = build_grid([a], 0)
    assert texts(grid) == [[GROUP, "（六）其他处理", "（六）其他处理", "0", "0"]]
    assert grid[0][1].source == grid[0][2].source


def test_prose_rows_framed_as_table_rows_are_dropped():
    a = part(
        2,
        [
            [(0, 180, "（四）政府信息公开平台建设情况。加强对区政府网站的监管，按照标准检查。")],
            [(0, 180, "二、主动公开政府信息情况")],
            [(0, 60, "信息内容"), (60, 120, "本年制发件数"), (120, 180, "本年废止件数")],
            [(0, 60, "规章"), (60, 120, "0"), (120, 180, "1")],
        ],
    )
    assert [row[0].text for row in build_grid([a], 0)] == [
        "二、主动公开政府信息情况",
        "信息内容",
        "规章",
    ]


def test_clean_joins_wrapped_lines_and_cjk_spacing():
    assert (
        clean("（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）")
        == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    assert clean("总 计") == "总计"
    assert clean("结果\n维持") == "结果维持"
    assert clean("75394432.52元") == "75394432.52元"
