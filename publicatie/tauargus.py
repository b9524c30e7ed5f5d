"""Run Tau-Argus' optimal suppression on JJ files, in a process of its own.

`python -m publicatie.tauargus MAP MINUTEN` solves every `MAP/*.in` into `MAP/<naam>.out`
and writes the engine's return codes to `MAP/codes.json`. The native engine writes its log
files into the working folder and cannot be interrupted from Python: run in its own process
with that folder as working directory (see `publicatie.beveiliging.los_op`), it leaves
nothing behind and a hang ends at the caller's timeout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from pytauargus import HiTaSCtrl

    map_, minuten = Path(argv[0]), int(argv[1])
    codes = {}
    for invoer in sorted(map_.glob("*.in")):
        # max_time is in minutes in Tau-Argus' FullJJ
        codes[invoer.stem] = HiTaSCtrl().full_jj(
            in_file_jj=str(invoer), out_file=str(invoer.with_suffix(".out")), max_time=minuten
        )
    (map_ / "codes.json").write_text(json.dumps(codes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
