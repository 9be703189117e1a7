"""Benchmarks: `python -m bench` (`make bench`), one JSON line per figure; see __main__.py."""
