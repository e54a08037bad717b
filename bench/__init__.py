"""Benchmarks and the load test (see bench/README.md). Nothing here ships in production URLs."""
