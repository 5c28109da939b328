"""Participatory-budget benchmarks: MES with Add1 (pabulib's `equalshares/add1`) on the pabulib
conformance files, against pabutools measured in the same run.

Targets: at least 50x faster than pabutools with the identical outcome, and under 2 s for any
instance with 10,000 voters or more.

The peer. pabutools' Add1 with pabulib's stop rule is `exhaustion_by_budget_increase(...,
exhaustive_stop=False, budget_step=n)` (exact gmpy2 fractions, `as_multiprofile()` for speed).
On the two equal-shares files it runs to the end. On the large approval files it would take tens
of minutes (one MES run on Warszawa 2021 Mokotow takes it about 12 s; Add1 needs some 230), so
there it runs MES once, at the share Add1 keeps: its outcome must equal ours, and its time for
the whole of Add1 is estimated as that run's time x the number of runs Add1 needs (marked "est.").
Our times are for counting (parsing excluded for both sides: it is timed on its own), after one
warm-up count that loads the compiled kernel.
"""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path

from mutualise.budgeting.add1 import Counter, add1_run, mes_add1
from mutualise.budgeting.mes import approval_profile
from mutualise.budgeting.pb import read_pb

DATA = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "pabulib"
FULL_PEER = ["Netherlands_Assen_2024", "Poland_Swiecie_2023"]
LARGEST = [
    "Poland_Warszawa_2021_Mokotow",
    "Poland_Warszawa_2022_Mokotow",
    "Poland_Warszawa_2020_Bielany",
    "Poland_Warszawa_2025_Bielany",
]


def ours(path: Path):
    started = time.perf_counter()
    instance = read_pb(path)
    parsed = time.perf_counter()
    profile = approval_profile(instance)
    counter = Counter(profile, compiled=True)
    kept = add1_run(counter, instance.budget)
    done = time.perf_counter()
    return instance, kept, counter, parsed - started, done - parsed


def peer_full(path: Path) -> tuple[list[str], float]:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares

    instance, profile = parse_pabulib(str(path))
    multi = profile.as_multiprofile()
    started = time.perf_counter()
    outcome = exhaustion_by_budget_increase(
        instance,
        multi,
        method_of_equal_shares,
        {"sat_class": Cost_Sat},
        exhaustive_stop=False,
        budget_step=profile.num_ballots(),
    )
    return sorted(p.name for p in outcome), time.perf_counter() - started


def peer_one_run(path: Path, share: Fraction) -> tuple[list[str], float]:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.fractions import frac
    from pabutools.rules import method_of_equal_shares

    instance, profile = parse_pabulib(str(path))
    instance.budget_limit = frac(share.numerator * profile.num_ballots(), share.denominator)
    multi = profile.as_multiprofile()
    started = time.perf_counter()
    outcome = method_of_equal_shares(instance, multi, sat_class=Cost_Sat)
    return sorted(p.name for p in outcome), time.perf_counter() - started


def main() -> None:
    try:
        import pabutools  # noqa: F401
    except ImportError:
        print("pabutools is not installed (pip install -e '.[dev]'): no peer to compare with")
        return
    started = time.perf_counter()
    mes_add1(read_pb(DATA / "Netherlands_Assen_2024.pb"))  # warm-up: loads the compiled kernel
    Counter(approval_profile(read_pb(DATA / "Netherlands_Assen_2024.pb")), compiled=True).funded(
        Fraction(1)
    )
    print(f"warm-up (numba kernel load or compile): {time.perf_counter() - started:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared)")
    header = f"{'file':34} {'voters':>7} {'proj':>4} {'runs':>5} {'parse':>6} {'ours':>7}"
    print(header + f" {'pabutools':>12} {'ratio':>8}  same outcome")
    worst_ratio, slow_large = float("inf"), []
    for name in FULL_PEER + LARGEST:
        path = DATA / f"{name}.pb"
        instance, kept, counter, parse_s, ours_s = ours(path)
        selected = sorted(instance.projects[q].id for q in kept.funded)
        if name in FULL_PEER:
            theirs, peer_s = peer_full(path)
            peer_text = f"{peer_s:10.2f} s"
        else:
            theirs, one = peer_one_run(path, kept.per_voter)
            peer_s = one * counter.runs
            peer_text = f"{peer_s:6.0f} s est."
        same = theirs == selected
        ratio = peer_s / ours_s
        worst_ratio = min(worst_ratio, ratio)
        voters = len(instance.votes)
        if voters >= 10_000 and ours_s >= 2.0:
            slow_large.append(name)
        print(
            f"{name[:34]:34} {voters:>7,} {len(instance.projects):>4} {counter.runs:>5} "
            f"{parse_s:5.2f}s {ours_s:6.3f}s {peer_text:>12} {ratio:7.0f}x  {same}"
            + (f" ({counter.exact_runs} exact runs)" if counter.exact_runs else "")
        )
        if not same:
            print(f"  OUTCOMES DIFFER: ours {selected} / pabutools {theirs}")
    print(
        f"target >= 50x: worst {worst_ratio:.0f}x "
        f"({'met' if worst_ratio >= 50 else 'NOT met'}); "
        f"under 2 s with 10,000+ voters: {'met' if not slow_large else 'NOT met: ' + ', '.join(slow_large)}"
    )


if __name__ == "__main__":
    main()
