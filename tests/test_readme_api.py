"""The README's Python API example runs as a saved script; a script that starts workers at its
top level stops with one line saying how to fix it, not a BrokenProcessPool traceback (issue 11, item 4)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    """The first ```python block of README.md."""
    return re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL).group(1)


def run_script(folder: Path, text: str) -> subprocess.CompletedProcess:
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    (folder / "example.py").write_text(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "example.py"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_readme_example_runs_as_a_script(tmp_path):
    """The example as the README prints it, on fewer replications (that it runs as a saved script,
    with its workers, does not depend on how many)."""
    example = readme_example()
    assert "replications=100" in example and "replications=20" in example
    small = example.replace("replications=100", "replications=10").replace("replications=20", "replications=4")
    result = run_script(tmp_path, small)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "results" / "quad_misperception" / "summary.csv").read_text().count("\n") == 11
    assert "[4 rows x" in result.stdout  # the sweep's four points


def test_an_unguarded_script_says_how_to_fix_it_in_one_line(tmp_path):
    body = "\n".join(line[4:] for line in readme_example().splitlines() if line.startswith("    "))
    result = run_script(tmp_path, "import sim\n" + body.replace("replications=100", "replications=4"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "BrokenProcessPool" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'example.py'} starts worker processes at its top level: put the code that "
        'calls sim.run or sim.sweep under `if __name__ == "__main__":` (worker processes import the script again)']
