"""Write `cow_democracy.csv`: democracy scores by COW state-year (1816-2025).

The source is `cw_democracy` of the R package **isard** (Steven V. Miller), the `.rda` file
`data/cw_democracy.rda` at commit 46944ad97a5532cd8e3b33129463c8435a69846a of
<https://github.com/svmiller/isard> (SHA-256 of the `.rda` file as stored at that commit
63817db0ed4be6d4faafe6a1c363ffe3862897fb1b28d53298099fef576be45a, checked). Its columns, kept
here unchanged: `euds` (Marquez's extended Unified Democracy Scores, the latent scale of Pemstein,
Meserve & Melton 2010 extended), `aeuds` (the same, shifted so that 0 is the average cut-point of
the dichotomous democracy measures), `polity2` (Polity5, -10..10), `v2x_polyarchy` (V-Dem 16's
electoral democracy index, 0..1). Rows sorted by (ccode, year); numbers written at full precision
(`repr` of the float), whole-number columns as integers; missing values empty.

    pip install rdata      # needed only here; sim does not depend on it
    python sim/data/peacesciencer/cow_democracy.py PATH/TO/cw_democracy.rda

It rewrites this folder's manifest row for the file (its `peacesciencer_commit` empty: the file is
isard's, whose commit is given above and in the README). `sim` does not import this script.
"""

from __future__ import annotations

import hashlib
import io
import math
import sys
import warnings
from pathlib import Path

from manifest_row import write_row  # this folder's helper (the script's own folder is on sys.path)

HERE = Path(__file__).resolve().parent
OUT = "cow_democracy.csv"
SOURCE = "isard cw_democracy.rda"  # the manifest's peacesciencer_commit stays empty: not peacesciencer's
SOURCE_COMMIT = "46944ad97a5532cd8e3b33129463c8435a69846a"
SOURCE_SHA256 = "63817db0ed4be6d4faafe6a1c363ffe3862897fb1b28d53298099fef576be45a"
COLUMNS = ["ccode", "year", "euds", "aeuds", "polity2", "v2x_polyarchy"]
WHOLE = {"ccode", "year", "polity2"}


def _cell(column: str, value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    if column in WHOLE:
        if value != int(value):
            sys.exit(f"{OUT}: column {column} holds {value!r}, not a whole number")
        return str(int(value))
    return repr(float(value))


def convert(source: Path) -> str:
    """The CSV text of the democracy table."""
    import rdata  # the converter's own dependency, not the simulator's

    with warnings.catch_warnings():  # rdata warns that it reads a tibble as a data frame
        warnings.simplefilter("ignore")
        frame = rdata.read_rda(str(source))["cw_democracy"]
    if list(frame.columns) != COLUMNS:
        sys.exit(f"{source}: columns {list(frame.columns)}, expected {COLUMNS}")
    rows = [[_cell(c, v) for c, v in zip(COLUMNS, values)] for values in frame[COLUMNS].itertuples(index=False)]
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    keys = [(r[0], r[1]) for r in rows]
    if len(set(keys)) != len(keys):
        sys.exit(f"{source}: (ccode, year) is not unique")
    out = io.StringIO()
    out.write(",".join(COLUMNS) + "\n")
    for r in rows:
        out.write(",".join(r) + "\n")
    return out.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit(__doc__)
    source = Path(argv[0])
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{source}: not isard's cw_democracy.rda of commit {SOURCE_COMMIT} (SHA-256 {digest})")
    text = convert(source)
    (HERE / OUT).write_text(text, encoding="utf-8", newline="\n")
    write_row(OUT, SOURCE, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
