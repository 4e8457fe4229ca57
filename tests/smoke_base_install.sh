#!/usr/bin/env bash
# The README's promise on a fresh machine (issue 11, items 3 and 5), run by .ci/run:
#   1. a fresh venv with `pip install .` (no extras) runs every command of the README's table on
#      shipped scenarios, from a folder outside the project, without a traceback; the Quick start
#      command and the Python API example (saved as a script) run too;
#   2. a second fresh venv installed with no working C compiler (CC=/bin/false): the install
#      succeeds, the commands run on the plain-Python kernel with a one-line warning, and a run
#      writes the same bytes as with the compiled kernel;
#   3. the README's test command in a clone with no working C compiler (CC=/bin/false, as in 2):
#      exactly `python3 -m pip install -e ".[test]"`, then pytest on a quick selection of the
#      tests (the whole suite on the plain-Python kernel would take too long for CI).
# Usage: tests/smoke_base_install.sh   (about 5 minutes; needs the package index pip is configured with)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() { echo "smoke: FAILED: $*" >&2; exit 1; }

# What a clone holds: tracked and new files, none of the ignored ones (no build/, no compiled kernel).
mkdir "$work/src"
(cd "$repo" && git ls-files -co --exclude-standard -z | tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$work/src"
scenarios="$work/src/scenarios"

install() {  # install NAME [ENV=VALUE...]: a fresh venv with the base install only
    local name="$1"; shift
    python3 -m venv "$work/$name"
    cp -r "$work/src" "$work/src_$name"  # a pristine copy: setuptools reuses a build/ folder it finds
    env "$@" "$work/$name/bin/python" -m pip install -q "$work/src_$name" >"$work/$name.log" 2>&1 \
        || { cat "$work/$name.log" >&2; fail "pip install . in $name"; }
    echo "smoke: installed $name ($*)"
}

check() {  # check VENV LABEL COMMAND...: run from an empty folder; no traceback, exit 0
    local venv="$1" label="$2"; shift 2
    if ! (cd "$work/cwd_$venv" && PATH="$work/$venv/bin:$PATH" "$@") >"$work/out" 2>"$work/err"; then
        cat "$work/out" "$work/err" >&2; fail "$venv: $label"
    fi
    if grep -q "Traceback" "$work/err"; then cat "$work/err" >&2; fail "$venv: $label printed a traceback"; fi
    if [ "$venv" = base ] && grep -q "slower" "$work/err"; then cat "$work/err" >&2; fail "base: $label ran slow"; fi
    echo "smoke: $venv: ok $label"
}

commands() {  # every command of the README's table, on shipped scenarios, few replications
    local v="$1" small=(--reps 3 --horizon 150 --seed 5 --quiet)
    mkdir -p "$work/cwd_$v"
    check "$v" "run" alliance-sim run "$scenarios/taiwan_strait_war.yaml" "${small[@]}" --out a
    check "$v" "run --set --workers 2" alliance-sim run "$scenarios/quad_defence_pact.yaml" "${small[@]}" \
        --set parameters.decision.temperature=0.4 --workers 2 --out b
    check "$v" "validate" alliance-sim validate "$scenarios/baseline_2022.yaml" "$scenarios/sweeps/perception_lhs.yaml" \
        "$scenarios/history/ukraine_2022.yaml" quad_expansion
    check "$v" "states" alliance-sim states
    check "$v" "pacts" alliance-sim pacts --scenario quad_defence_pact
    check "$v" "world of a year" alliance-sim world --year 1870 --out w1870
    check "$v" "scenarios (the shipped ones, from an empty folder)" alliance-sim scenarios
    grep -q "quad_reliability.yaml" "$work/out" || fail "$v: the shipped scenarios are not listed"
    check "$v" "run a shipped scenario by name" alliance-sim run hawaii_strike --reps 1 --horizon 20 --quiet --out byname
    check "$v" "sweep" alliance-sim sweep "$scenarios/sweeps/quad_reliability.yaml" --reps 2 --horizon 60 \
        --workers 1 --out sw --quiet
    check "$v" "compare" alliance-sim compare a b
    check "$v" "plot run" alliance-sim plot a
    check "$v" "plot sweep" alliance-sim plot sw
    check "$v" "cascade" alliance-sim cascade a
    check "$v" "report" alliance-sim report b --baseline a --out report.html
    check "$v" "joiners" alliance-sim joiners taiwan_strait_war CHN USA --at Okinawa --top 5 --out joiners.csv
    grep -q "^JPN " "$work/out" || fail "$v: joiners does not list Japan for an attack on Okinawa"
    check "$v" "backtest" alliance-sim backtest "$scenarios/history/ukraine_2022.yaml" --reps 2 --out bt --quiet
    check "$v" "python -m sim --help" python -m sim --help
}

install base
commands base
# the COW-data commands simulate whole worlds: the compiled kernel only (the fallback's bytes are
# compared above), one war and one year, to keep CI lean
check base "validation" alliance-sim validation --wars 1 --reps 2 --out val --quiet
check base "peacetime" alliance-sim peacetime --years 1880 --reps 1 --out peace --quiet
check base "README quick start" bash -c "cd '$work/src' && alliance-sim run scenarios/baseline_2022.yaml --quiet"
mkdir "$work/project" && cp -r "$scenarios" "$work/project/scenarios"  # a user's own folder
python3 - "$repo/README.md" >"$work/project/example.py" <<'EOF'
import re, sys
print(re.search(r"```python\n(.*?)```", open(sys.argv[1]).read(), re.S).group(1))
EOF
check base "README Python API example as a script" bash -c "cd '$work/project' && python example.py"

install nocc CC=/bin/false
(cd "$work" && "$work/nocc/bin/python" -c "import sim.kernel as k; assert not k.COMPILED" 2>/dev/null) \
    || fail "nocc: the compiled kernel was built although no compiler worked"
commands nocc
check nocc "warning" python -m sim run "$scenarios/taiwan_strait_war.yaml" --reps 1 --horizon 10 --quiet --out w
slowdown="$(sed -n 's/^SLOWDOWN = \([0-9]*\).*/\1/p' "$repo/sim/kernel/__init__.py")"
[ "$(grep -c "about ${slowdown}x slower" "$work/err")" = 1 ] || { cat "$work/err" >&2; fail "nocc: no one-line warning"; }
for table in summary events tension states; do
    cmp "$work/cwd_base/a/$table.csv" "$work/cwd_nocc/a/$table.csv" || fail "$table.csv differs between the kernels"
done
# 3. the README's test command, word for word, in a clone without a working C compiler
python3 -m venv "$work/edit"
cp -r "$work/src" "$work/src_edit"
readme_test="$(sed -n 's/^    \(python3 -m pip install -e "\.\[test\]"\) && python3 -m pytest -q$/\1/p' "$repo/README.md")"
[ "$readme_test" = 'python3 -m pip install -e ".[test]"' ] || fail "the README's test command changed: update this script"
(cd "$work/src_edit" && PATH="$work/edit/bin:$PATH" CC=/bin/false bash -c "$readme_test -q") >"$work/edit.log" 2>&1 \
    || { cat "$work/edit.log" >&2; fail "nocc: the README's test install ($readme_test) failed without a compiler"; }
echo "smoke: installed edit (CC=/bin/false, $readme_test)"
if ! (cd "$work/src_edit" && PATH="$work/edit/bin:$PATH" python3 -m pytest -q -p no:cacheprovider -m "not slow" \
        tests/test_loading.py tests/test_packaging.py tests/test_no_overflow.py tests/test_csv_text.py \
        tests/test_kernel_fallback.py::test_the_reference_imports_without_the_compiled_module) >"$work/out" 2>&1; then
    cat "$work/out" >&2; fail "nocc -e: the tests failed"
fi
(cd "$work/src_edit" && "$work/edit/bin/python" -c "import sim.kernel as k; assert not k.COMPILED" 2>/dev/null) \
    || fail "nocc -e: the compiled kernel was built although no compiler worked"
tail -n 1 "$work/out"
echo "smoke: both installs run every command; both kernels write the same bytes; the README's test command works without a compiler (${SECONDS} s)"
