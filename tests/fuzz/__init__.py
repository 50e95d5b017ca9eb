"""Fuzzing helpers shared by tests/test_robustness_fuzz.py and benchmarks/fuzz_seeds.py (no tests here)."""
