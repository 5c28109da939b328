"""Counting benchmarks: every real Scottish ward under Scottish STV, and a synthetic
1,000,000-ballot election against the PyPI peers (votekit, stvpoll) measured in the same run;
and a 1,000-candidate file (the reader's limit) full of ties under every ranked method.

Targets: all 1,100 wards parsed and counted in under 2 s on 2 cores; `mutualise count` on all
1,100 wards with `--format jsonl`, in one process, under 2 s of wall time on a quiet 2-core
machine (shown beside the same work done in-process, and the load average, since the machine
may be shared); the 1M-ballot count in under 1 s with peak memory under 500 MB. A peer's time
counts only if it elects the same set. The 1,000-candidate count's time per stage (best of 2) is
shown against that of a tenth of it (candidates and ballots; best of 5) in the same run: a stage
records every candidate's total, so a count linear per stage costs at most 10x a stage of the
tenth's (measured 3-5x: a stage has fixed costs too). Target: under 10x. Breaking ties by reading
every earlier stage for every tied candidate (cubic) measured 9-42x (IRV 19x, Scottish STV 17x,
WIGM 42x; ERS97 and the MER, whose ties here mostly end at stage 1, 9-10x).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from mutualise.counting import report
from mutualise.counting.ballots import PAD, Profile, group_rankings
from mutualise.counting.blt import read_blt, write_blt
from mutualise.counting.info import BallotKind
from mutualise.counting.methods import INDEX, get_method
from mutualise.counting.stv import scottish

WARDS = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "scottish-stv" / "ballots"
WORKERS = min(2, os.cpu_count() or 1)


def _count_files(paths: list[str]) -> tuple[int, int, float, float, list[tuple[float, int, str]]]:
    parse = count = 0.0
    ballots = 0
    per_ward = []
    for path in paths:
        started = time.perf_counter()
        profile = read_blt(path)
        parsed = time.perf_counter()
        scottish.count(profile, seed=0)
        done = time.perf_counter()
        count += done - parsed
        parse += parsed - started
        ballots += profile.n_ballots
        per_ward.append((done - started, profile.n_ballots, Path(path).name))
    return len(paths), ballots, parse, count, per_ward


def bench_wards() -> None:
    paths = sorted(str(p) for p in WARDS.glob("*.blt"))
    _count_files(paths[:5])  # warm imports and caches
    started = time.perf_counter()
    wards, ballots, parse, count, per_ward = _count_files(paths)
    one_core = time.perf_counter() - started
    print(f"Scottish wards: {wards} files, {ballots:,} ballots")
    print(f"  1 process : {one_core:.2f} s (parse {parse:.2f} s, count {count:.2f} s)")
    print(
        f"              {wards / one_core:,.0f} wards/s, {ballots / one_core / 1e6:.2f} M ballots/s, "
        f"{1000 * one_core / wards:.2f} ms per ward"
    )
    times = np.array([t for t, _, _ in per_ward]) * 1000
    rates = np.array([n / t for t, n, _ in per_ward])
    slowest = max(per_ward)
    print(
        f"  per ward  : median {np.median(times):.2f} ms, p95 {np.percentile(times, 95):.2f} ms, "
        f"max {slowest[0] * 1000:.2f} ms ({slowest[2]}, {slowest[1]:,} ballots); "
        f"median {np.median(rates) / 1e6:.2f} M ballots/s"
    )
    chunks = [paths[k::WORKERS] for k in range(WORKERS)]
    started = time.perf_counter()
    with ProcessPoolExecutor(WORKERS) as pool:
        list(pool.map(_count_files, chunks))
    both = time.perf_counter() - started
    print(
        f"  {WORKERS} processes: {both:.2f} s ({wards / both:,.0f} wards/s) "
        f"[target < 2 s: {'met' if both < 2 else 'MISSED'}]"
    )


def bench_command_jsonl() -> None:
    """The whole command, one process: start-up, parse, count and every stage's JSON."""
    paths = sorted(str(p) for p in WARDS.glob("*.blt"))
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for path in paths:  # the same work in this process, for the ratio
        report.to_json(scottish.count(read_blt(path), seed=0), indent=None, file=path)
    in_process = time.perf_counter() - started
    command = [sys.executable, "-m", "mutualise.cli", "count", *paths, "--format", "jsonl"]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=True)
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    lines = done.stdout.count(b"\n")
    print(
        f"\n`mutualise count` on {len(paths)} wards --format jsonl ({lines} lines): {wall:.2f} s "
        f"wall in one process [target < 2 s on a quiet machine: {'met' if wall < 2 else 'MISSED'}]"
    )
    print(f"  its CPU time: {cpu:.2f} s (user + system; inflated too when the other core is busy)")
    print(
        f"  the same parse + count + JSON in-process: {in_process:.2f} s; command / in-process "
        f"{wall / in_process:.2f}x; load average {load_before:.2f} -> {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores"
    )


def synthetic_rankings(voters: int = 1_000_000, candidates: int = 15, seed: int = 2024):
    """Party-structured Plackett-Luce rankings, truncated (mean length about 2.9)."""
    rng = np.random.default_rng(seed)
    party = np.arange(candidates) % 5
    popularity = rng.dirichlet(np.full(candidates, 2.0))
    party_share = np.bincount(party, weights=popularity)
    voter_party = rng.choice(5, size=voters, p=party_share / party_share.sum())
    scores = np.log(popularity)[None, :] + 2.0 * (party[None, :] == voter_party[:, None])
    scores = scores + rng.gumbel(size=(voters, candidates))
    rankings = np.argsort(-scores, axis=1).astype(np.int32)
    length = np.minimum(rng.geometric(0.35, size=voters), candidates)
    rankings[np.arange(candidates)[None, :] >= length[:, None]] = PAD
    return rankings


def our_count(rankings: np.ndarray, names: list[str]):
    grouped, weights, _ = group_rankings(rankings, np.ones(len(rankings), dtype=np.int64))
    profile = Profile(names, grouped, weights, seats=4, title="synthetic")
    return profile, scottish.count(profile, seed=0)


def bench_million() -> None:
    names = [f"C{k + 1}" for k in range(15)]
    rankings = synthetic_rankings()
    print(f"\nSynthetic election: {len(rankings):,} ballots, 15 candidates, 4 seats")
    our_count(rankings[:10_000], names)  # warm up
    started = time.perf_counter()
    profile, result = our_count(rankings, names)
    ours = time.perf_counter() - started
    grouped_started = time.perf_counter()
    scottish.count(profile, seed=0)
    ours_grouped = time.perf_counter() - grouped_started
    tracemalloc.start()
    our_count(rankings, names)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    winners = set(result.elected)
    print(
        f"  mutualise scottish-stv: {ours:.3f} s from raw ballots ({len(profile.weights):,} "
        f"distinct rankings; count alone {ours_grouped:.3f} s), peak {peak:.0f} MB above the "
        f"{rankings.nbytes / 1e6:.0f} MB input [targets < 1 s, < 500 MB: "
        f"{'met' if ours < 1 and peak < 500 else 'MISSED'}]"
    )
    print(f"  elected {sorted(c + 1 for c in winners)}; {len(result.stages)} stages")
    ballots = [
        (tuple(int(c) for c in row if c != PAD), int(w))
        for row, w in zip(profile.rankings, profile.weights, strict=True)
    ]
    peers = []
    for name, run in (("votekit FastSTV", _votekit), ("stvpoll ScottishSTV", _stvpoll)):
        try:
            prepare, elapsed, elected = run(ballots, names)
        except Exception as exc:  # a peer failing must not hide our figures
            print(f"  {name}: failed ({exc!r})")
            continue
        same = elected == winners
        print(
            f"  {name}: {elapsed:.3f} s count (+ {prepare:.2f} s building its profile from the "
            f"grouped ballots); {'same winners' if same else f'DIFFERENT winners {sorted(elected)}'}"
        )
        if same:
            peers.append((elapsed, name))
    if peers:
        elapsed, name = min(peers)
        print(
            f"  ratio: fastest peer with the same winners ({name}) takes {elapsed / ours:.1f}x "
            f"our raw-ballot time, {elapsed / ours_grouped:.1f}x our count on the same grouped ballots"
        )


def _votekit(ballots, names):
    from votekit.ballot import RankBallot
    from votekit.elections import FastSTV
    from votekit.pref_profile import RankProfile

    started = time.perf_counter()
    profile = RankProfile(
        ballots=tuple(
            RankBallot(ranking=tuple(frozenset({names[c]}) for c in ranking), weight=weight)
            for ranking, weight in ballots
        ),
        candidates=tuple(names),
    )
    built = time.perf_counter()
    election = FastSTV(profile, n_seats=4)
    elected = {names.index(c) for group in election.get_elected() for c in group}
    return built - started, time.perf_counter() - built, elected


def _stvpoll(ballots, names):
    from stvpoll.scottish_stv import calculate_scottish_stv

    started = time.perf_counter()
    result = calculate_scottish_stv(list(range(len(names))), ballots, 4, random_shuffle=False)
    return 0.0, time.perf_counter() - started, set(result.elected_as_set())


def many_candidates(candidates: int = 1000, ballots: int = 3000, seats: int = 5, seed: int = 12):
    """Rankings of candidates of uneven popularity (Dirichlet(3)), most with a few votes, some
    with none (mean length about 3): almost every exclusion is a tie, some decided by an
    earlier stage, many by lot after looking back (or forward) to the first."""
    rng = np.random.default_rng(seed)
    popularity = rng.dirichlet(np.full(candidates, 3.0))
    lengths = np.minimum(rng.geometric(0.3, size=ballots), candidates)
    rankings = np.full((ballots, int(lengths.max())), PAD, dtype=np.int32)
    for row, length in enumerate(lengths.tolist()):
        rankings[row, :length] = rng.choice(candidates, size=length, replace=False, p=popularity)
    names = [f"Candidate {k + 1}" for k in range(candidates)]
    return Profile(names, rankings, np.ones(ballots, dtype=np.int64), seats=seats, title="many")


def _per_stage(method: str, profile: Profile, repeat: int) -> tuple[float, int]:
    """The best of `repeat` counts' time per stage (a shared machine only ever slows one)."""
    seats = 1 if method == "irv" else None
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = get_method(method)(profile, seats, seed=0)
        best = min(best, time.perf_counter() - started)
    return best / len(result.stages), len(result.stages)


def bench_many_candidates() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "many.blt"
        path.write_text(write_blt(many_candidates()))
        started = time.perf_counter()
        profile = read_blt(path)
        parse = time.perf_counter() - started
    tenth = many_candidates(candidates=100, ballots=300)
    print(
        f"\n{profile.n_candidates:,} candidates, {profile.n_ballots:,} ballots, {profile.seats} "
        f"seats (parsed in {parse:.2f} s), against a tenth of it ({tenth.n_candidates} "
        f"candidates, {tenth.n_ballots} ballots); load average {os.getloadavg()[0]:.2f}"
    )
    for method in [slug for slug, info in INDEX.items() if info.ballot == BallotKind.RANKED]:
        small, _ = _per_stage(method, tenth, repeat=5)
        big, stages = _per_stage(method, profile, repeat=2)
        ratio = big / small
        print(
            f"  {method:13s}: {big * stages:6.2f} s (best of 2), {stages:5,} stages; a stage "
            f"costs {ratio:4.1f}x the tenth's [target < 10x: {'met' if ratio < 10 else 'MISSED'}]"
        )


def main() -> None:
    bench_wards()
    bench_command_jsonl()
    bench_million()
    bench_many_candidates()


if __name__ == "__main__":
    main()
