"""The contract's one rule for the 2019/2021 format of a table-二 sub-table."""

from __future__ import annotations

import pytest

from pipeline.contract import sub_table_format
from pipeline.extract.grid import Cell
from pipeline.extract.mapper import map_grids
from pipeline.warehouse.cells import item_formats


@pytest.mark.parametrize(
    ("item", "measures", "expected"),
    [
        ("regulations", {"issued", "repealed", "in_force"}, "2021"),
        ("normative_documents", {"new_made", "new_published", "total_published"}, "2019"),
        ("permits", {"decisions"}, "2021"),  # （五） in 2021 prints one column
        ("permits", {"items_prev_year", "decisions"}, "2019"),
        ("fees", {"amount_wan_yuan"}, "2021"),
        ("procurement", {"projects"}, "2019"),  # （九） exists only in 2019
        ("applications", {"issued"}, None),
        ("regulations", {"unknown"}, None),
    ],
)
def test_sub_table_format(item, measures, expected):
    assert sub_table_format(item, measures) == expected


def _grid(*rows: tuple[str, ...]) -> list[list[Cell]]:
    return [
        [Cell(text, 0, r, c, r * 100 + c) for c, text in enumerate(row)]
        for r, row in enumerate(rows)
    ]


def test_mapper_and_warehouse_read_the_format_the_same_way():
    grid = _grid(
        ("第二十条第（一）项",),
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("规章", "1", "0", "5"),
        ("第二十条第（五）项",),
        ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
        ("行政许可", "10", "-1", "120"),
    )
    mapping = map_grids([grid])
    assert mapping.clause_one_format == "2021"
    assert item_formats(mapping.active_disclosure) == {"regulations": "2021", "permits": "2019"}
