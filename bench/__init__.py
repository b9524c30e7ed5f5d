"""Benchmark of the ETL and the dashboard queries at national scale: `python -m bench`.

Never part of the tests (only tests/test_bench_genereer.py checks that the generated files
pass the ETL's validation). See docs/performance.md.
"""
