#!/usr/bin/env python3
"""Runs the same weighted games through `treaty power` and PyPI `powerindex`, checks that
the indices agree and prints the time ratio.

Usage (from the repository root, after `cargo build --release`):

    python3 -m venv .venv-powerindex && .venv-powerindex/bin/pip install powerindex
    .venv-powerindex/bin/python scripts/powerindex-compare.py [--treaty target/release/treaty]
        [--games imf,eu27,eu27-ss,synthetic] [--threads N]

Each game is written to a temporary `.treaty` file (one body, `decides by at least Q
votes`), so that both tools get exactly the same weights and quota:

- `imf`: the IMF Board of Governors as shipped (rules/institutions/imf.treaty: 191
  members, 5,041,052 votes), more than 50% of the votes; Banzhaf only (powerindex's
  Shapley-Shubik table would hold 191 x 191 x 2.5 million Python integers).
- `eu27`: the Council's 27 populations (rules/institutions/eu-council.treaty) in
  thousands, at least 65% of them: the population half of QMV (powerindex has weighted
  majority games only, so QMV's double majority and blocking minority cannot be given
  to it); Banzhaf.
- `eu27-ss`: the same populations in units of 100,000, both indices.
- `synthetic`: 189 members, Zipf-like weights plus 700 basic votes (about 2.5 million),
  more than 50%; Banzhaf.

powerindex returns floats; treaty's exact fractions must agree with them to 1e-9
(relative). The script exits 1 on any disagreement.
"""

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def members_of(path, body, dim):
    """(id, weight) of `body`'s members in a shipped file: lines `ID DIM N,`."""
    text = open(path, encoding="utf-8").read()
    start = text.index(f"body {body} ")
    block = text[start : text.index("}", text.index("members", start))]
    return [
        (m.group(1), int(m.group(2).replace("_", "")))
        for m in re.finditer(rf"^\s+([A-Z][A-Z0-9_]*) {dim} ([\d_]+),?$", block, re.M)
    ]


def games():
    imf = members_of(os.path.join(ROOT, "rules/institutions/imf.treaty"), "IMF", "votes")
    total = sum(w for _, w in imf)
    eu = members_of(os.path.join(ROOT, "rules/institutions/eu-council.treaty"), "EU", "population")
    rng = random.Random(189)
    synth = [
        (f"M{k}", 700 + 405_000 // (k + 1) * (80 + rng.randrange(41)) // 100) for k in range(189)
    ]
    eu_k = [(c, (p + 500) // 1000) for c, p in eu]
    eu_100k = [(c, (p + 50_000) // 100_000) for c, p in eu]
    pct = lambda ws, p: -(-sum(w for _, w in ws) * p // 100)  # at least p%: ceil
    return {
        "imf": ("IMF, more than 50% of votes", imf, total // 2 + 1, "banzhaf"),
        "eu27": ("EU27 populations (thousands), at least 65%", eu_k, pct(eu_k, 65), "banzhaf"),
        "eu27-ss": ("EU27 populations (100,000s), at least 65%", eu_100k, pct(eu_100k, 65), "both"),
        "synthetic": (
            "synthetic 189 members, more than 50%",
            synth,
            sum(w for _, w in synth) // 2 + 1,
            "banzhaf",
        ),
    }


def treaty_file(members, quota):
    lines = ["actors { " + ", ".join(f'{name} "{name}"' for name, _ in members) + " }"]
    lines += ["body G \"comparison game\" {", "  members {"]
    lines += [f"    {name} votes {w}," for name, w in members]
    lines += ["  }", f"  decides by at least {quota} votes", "}", ""]
    return "\n".join(lines)


def run_treaty(exe, members, quota, index, threads):
    with tempfile.NamedTemporaryFile("w", suffix=".treaty", delete=False) as f:
        f.write(treaty_file(members, quota))
        path = f.name
    try:
        cmd = [exe, "power", path, "--body", "G", "--format", "json", "--index", index]
        if threads:
            cmd += ["--threads", str(threads)]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return json.loads(out), time.perf_counter() - t0
    finally:
        os.unlink(path)


def run_powerindex(members, quota, index):
    import powerindex

    game = powerindex.Game(quota, weights=[w for _, w in members])
    t0 = time.perf_counter()
    game.calc_banzhaf()
    if index == "both":
        game.calc_shapley_shubik()
    return game, time.perf_counter() - t0


def agree(exact, approx):
    x = float(Fraction(exact))
    return math.isclose(x, approx, rel_tol=1e-9, abs_tol=1e-15)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--treaty", default=os.path.join(ROOT, "target/release/treaty"))
    ap.add_argument("--games", default="eu27,eu27-ss,synthetic,imf")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    all_games = games()
    ok = True
    for key in args.games.split(","):
        title, members, quota, index = all_games[key]
        report, t_treaty = run_treaty(args.treaty, members, quota, index, args.threads)
        game, t_pi = run_powerindex(members, quota, index)
        bad = [
            m["member"]
            for m, b in zip(report["members"], game.banzhaf)
            if not agree(m["banzhaf"]["exact"], b)
        ]
        if index == "both":
            bad += [
                m["member"] + " (Shapley-Shubik)"
                for m, s in zip(report["members"], game.shapley_shubik)
                if not agree(m["shapley_shubik"]["exact"], s)
            ]
        ok &= not bad
        print(
            f"{title}: {len(members)} members, quota {quota}, {index}: "
            f"treaty {t_treaty:.2f} s, powerindex {t_pi:.2f} s, "
            f"ratio {t_pi / t_treaty:.1f}x; "
            + ("indices agree" if not bad else f"DISAGREE on {', '.join(bad[:5])}")
        )
        sys.stdout.flush()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
