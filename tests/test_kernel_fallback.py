"""Without the compiled kernel the engine runs on sim.kernel.reference: same bytes, one warning
line naming the cost and the fix. The installs themselves (with and without a
C compiler) are tested by tests/smoke_base_install.sh, which .ci/run runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sim.kernel import SLOWDOWN

ROOT = Path(__file__).resolve().parents[1]
BLOCK = "import sys; sys.modules['sim.kernel._kernel'] = None; "  # as if it was never built


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("ALLIANCE_SIM_KERNEL_WARNED", None)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=300)


def test_the_reference_imports_without_the_compiled_module():
    result = python(BLOCK + "import sim.kernel.reference, sim.kernel as k; print(k.COMPILED, k.Decider.__module__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "sim.kernel.reference"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: the compiled kernel (sim.kernel._kernel) is not built")
    assert f"about {SLOWDOWN}x slower (same results)" in lines[0] and "install a C compiler" in lines[0]


def test_the_compiled_kernel_is_used_when_built():
    result = python("import sim.kernel as k; print(k.COMPILED)")
    assert result.stdout.split() == ["True"] and result.stderr == ""


def run_cli(out: Path, prefix: str = "", **env: str) -> subprocess.CompletedProcess:
    args = ["run", "scenarios/taiwan_strait_war.yaml", "--reps", "3", "--horizon", "150", "--seed", "5",
            "--out", str(out), "--quiet"]
    return python(prefix + f"from sim.cli.main import main; sys.exit(main({args!r}))", **env)


def test_the_reference_is_chosen_on_purpose_without_a_warning():
    result = python("import sim.kernel as k; print(k.COMPILED, k.Decider.__module__)", ALLIANCE_SIM_KERNEL="python")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.split() == ["False", "sim.kernel.reference"]


def test_both_kernels_write_the_same_bytes(tmp_path):
    """One run on each kernel (the reference as if never built); choosing it on purpose loads the same
    module (above), so a third run would repeat this one."""
    fast = run_cli(tmp_path / "fast", "import sys; ")
    slow = run_cli(tmp_path / "slow", BLOCK)
    assert fast.returncode == slow.returncode == 0, slow.stderr
    assert fast.stderr == ""
    assert len(slow.stderr.strip().splitlines()) == 1 and f"{SLOWDOWN}x slower" in slow.stderr
    for table in ("summary", "events", "tension", "states"):
        expected = (tmp_path / "fast" / f"{table}.csv").read_bytes()
        assert (tmp_path / "slow" / f"{table}.csv").read_bytes() == expected, table


def test_the_docs_and_the_install_message_quote_the_measured_slowdown():
    """README, docs and setup.py's message say the SLOWDOWN the warning says (measured, not 50)."""
    root = Path(__file__).resolve().parents[1]
    readme = " ".join((root / "README.md").read_text().split())
    assert f"about {SLOWDOWN} times slower" in readme
    assert f"about {SLOWDOWN}x slower" in (root / "docs" / "architecture.md").read_text()
    assert f'The warning says "about {SLOWDOWN}x"' in " ".join((root / "docs" / "performance.md").read_text().split())
    setup = (root / "setup.py").read_text()
    assert "about {SLOWDOWN}x slower" in setup and 'line.startswith("SLOWDOWN =")' in setup
