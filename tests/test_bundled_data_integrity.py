"""The bundled peace-science tables are checked against their manifest (sha256 and rows) when read:
a damaged copy (truncated, edited, missing) is refused with a message naming the file (exit 1, an
environment problem), never used as if whole (a truncated capabilities table gave every state but
one a power of 0)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

import sim.scenario.yearworld as yw
from sim.cli.main import main
from sim.history import validation

SOURCE = Path(yw.__file__).resolve().parents[1] / "data" / "peacesciencer"
_CACHED = (yw.read_table, yw.rows_by, yw._manifest, yw.cow_aliases, yw._nmc, yw._majors, yw.rivalry_world_claims,
           validation._wars)


def _clear() -> None:
    for function in _CACHED:
        function.cache_clear()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of the bundled tables that the year worlds read instead of the package's."""
    folder = tmp_path / "peacesciencer"
    shutil.copytree(SOURCE, folder)
    monkeypatch.setattr(yw, "data_folder", lambda: folder)
    _clear()
    yield folder
    _clear()


def _run(argv, folder: Path, capsys) -> tuple[int, str]:
    with contextlib.chdir(folder.parent):
        code = main(argv)
    return code, capsys.readouterr().err


def test_an_intact_copy_is_read(data_copy, capsys):
    code, err = _run(["states", "--world", "cow_1870"], data_copy, capsys)
    assert code == 0, err
    assert len(yw.world_of_year(1870).states) == 37


@pytest.mark.parametrize("damage", ["truncated", "edited", "missing", "extra-row"])
def test_a_damaged_capabilities_table_is_refused(data_copy, capsys, damage):
    table = data_copy / "cow_nmc.csv"
    text = table.read_text()
    if damage == "truncated":
        table.write_text(text[: len(text) // 3])
    elif damage == "edited":
        table.write_text(text.replace(",", ";", 1))
    elif damage == "extra-row":
        table.write_text(text + text.splitlines()[-1] + "\n")
    else:
        table.unlink()
    code, err = _run(["states", "--world", "cow_1870"], data_copy, capsys)
    assert code == 1, err
    assert err.startswith("error: sim/data/peacesciencer/cow_nmc.csv: ") and "reinstall" in err, err
    assert ("damaged" if damage != "missing" else "missing") in err
    assert "Traceback" not in err


def test_a_scenario_on_a_damaged_world_is_refused_before_running(data_copy, capsys):
    (data_copy / "cow_state_years.csv").write_text("ccode,stateabb,year\n2,USA,1900\n")
    (data_copy.parent / "s.yaml").write_text("name: s\nworld: cow_1900\nhorizon_days: 10\nreplications: 1\n")
    code, err = _run(["run", "s.yaml", "--out", "o", "--quiet"], data_copy, capsys)
    assert code == 1 and "cow_state_years.csv" in err and "1 rows" in err and "15951 rows" in err, err
    assert not (data_copy.parent / "o").exists()


def test_a_damaged_manifest_is_refused(data_copy, capsys):
    (data_copy / "manifest.csv").write_bytes(b"\x00\xff garbage")
    code, err = _run(["validation", "--wars", "1,4", "--reps", "1", "--out", "o"], data_copy, capsys)
    assert code == 1 and "manifest.csv" in err, err
