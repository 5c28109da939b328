"""Benchmarks: each `bench_*.py` measures mutualise against a peer in the same run and prints
ratios. Run all with `make bench`, or some with `python -m benchmarks counting register`."""
