"""Forked workers: results in job order, and the build's lock is not kept by a worker."""
import os

import pytest

from analysis import forks

needs_fork = pytest.mark.skipif(not forks.can_fork(), reason="this platform cannot fork")


@needs_fork
def test_jobs_run_in_forked_workers_and_come_back_in_order():
    jobs = [lambda k=k: (k, os.getpid()) for k in range(7)]
    results = forks.run_forked(jobs, workers=2)
    assert [k for k, _ in results] == list(range(7))
    assert os.getpid() not in {pid for _, pid in results}
    assert {pid for _, pid in forks.run_forked(jobs, workers=1)} == {os.getpid()}


@needs_fork
def test_workers_close_the_lock_descriptors_they_inherit(tmp_path):
    fd = os.open(tmp_path / "lock", os.O_RDWR | os.O_CREAT)
    forks.HELD_LOCKS.add(fd)

    def is_open() -> bool:
        try:
            os.fstat(fd)
        except OSError:
            return False
        return True

    try:
        assert forks.run_forked([is_open, is_open], workers=2) == [False, False]
        assert is_open()  # in this process it stays open
    finally:
        forks.HELD_LOCKS.discard(fd)
        os.close(fd)
