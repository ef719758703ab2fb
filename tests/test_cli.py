"""``python -m pipeline``: every sub-command is there, and only the one that runs is imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import COMMANDS, main

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("bs4", "duckdb", "pdfplumber", "pypdfium2", "httpx", "dagster", "yaml", "pyarrow")

LOADED = """
import json, sys
from pipeline.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(*argv: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", LOADED, *argv], cwd=REPO, capture_output=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_help_imports_no_sub_command():
    loaded = _loaded("--help")
    assert not loaded & {module for module, _ in COMMANDS.values()}
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY)


def test_a_sub_command_imports_only_its_own_module():
    loaded = _loaded("portals", "--help")
    assert COMMANDS["portals"][0] in loaded
    assert not loaded & {m for name, (m, _) in COMMANDS.items() if name != "portals"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_sub_command_has_its_help(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    assert COMMANDS[name][1].split()[0] in capsys.readouterr().out


def test_the_command_list_names_every_sub_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)
