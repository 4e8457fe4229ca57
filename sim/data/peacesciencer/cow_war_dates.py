"""Write `cow_war_inter_dates.csv`: the day-level dates of each COW inter-state war participation.

The participant file (`cow_war_inter_participants.csv`, from peacesciencer) keeps only years.
This script reads COW's own participant table, Inter-StateWarData_v4.0.csv (Sarkees & Wayman
2010; 337 rows, SHA-256 of the file as COW distributes it
2535e30b145141c331a07d12d91e498ad8bdd3db32ba8d3bd88c4fda54817731; bare carriage returns are
read as line ends) and writes, per (warnum, ccode, side), the war's name, the start and end dates
of the state's first episode and of its resumption if any (ISO dates; COW's -7 "ongoing", -8 "not
applicable" and -9 "unknown" days or months become empty fields) and `where_fought` (COW's region
code). `world_war` = 1 for the held-out wars 106 and 139, as in the other files.

    python sim/data/peacesciencer/cow_war_dates.py PATH/TO/Inter-StateWarData_v4.0.csv

It rewrites this folder's manifest row for the file. `sim` does not import this script.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
from pathlib import Path

from manifest_row import write_row  # this folder's helper (the script's own folder is on sys.path)

HERE = Path(__file__).resolve().parent
OUT = "cow_war_inter_dates.csv"
SOURCE_SHA256 = "2535e30b145141c331a07d12d91e498ad8bdd3db32ba8d3bd88c4fda54817731"
COLUMNS = ["warnum", "ccode", "side", "war_name", "start1", "end1", "start2", "end2", "where_fought", "world_war"]


def _date(year: str, month: str, day: str) -> str:
    """An ISO date, or '' when any part is a COW missing code (negative)."""
    parts = [int(year), int(month), int(day)]
    return "" if min(parts) < 0 else f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"


def convert(source: Path) -> str:
    """The CSV text of the dated participant table."""
    raw = source.read_bytes()
    if hashlib.sha256(raw).hexdigest() != SOURCE_SHA256:
        sys.exit(f"{source}: not COW's Inter-StateWarData_v4.0.csv (SHA-256 differs)")
    text = raw.decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        rows.append([int(r["WarNum"]), int(r["ccode"]), int(r["Side"]), r["WarName"].strip(),
                     _date(r["StartYear1"], r["StartMonth1"], r["StartDay1"]),
                     _date(r["EndYear1"], r["EndMonth1"], r["EndDay1"]),
                     _date(r["StartYear2"], r["StartMonth2"], r["StartDay2"]),
                     _date(r["EndYear2"], r["EndMonth2"], r["EndDay2"]),
                     int(r["WhereFought"]), int(int(r["WarNum"]) in (106, 139))])
    rows.sort(key=lambda row: row[:3])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit(__doc__)
    text = convert(Path(argv[0]))
    (HERE / OUT).write_text(text, encoding="utf-8")
    write_row(OUT, "Inter-StateWarData_v4.0.csv", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
