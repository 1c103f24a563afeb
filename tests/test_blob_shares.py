"""The history walk's tasks split into one share a worker, of about equal cost."""

from auditor.track.blob_scan import _TASK_COST, _shares


def test_every_task_once_and_the_shares_even() -> None:
    sizes = [90_000, 5_000, 70_000, 0, 40_000, 40_000, 3_000, 1_000, 60_000]
    shares = _shares(sizes, 2)
    assert sorted(i for share in shares for i in share) == list(range(len(sizes)))
    costs = [sum(sizes[i] + _TASK_COST for i in share) for share in shares]
    assert costs == [176_000, 151_000]
    # largest first, each to the share with the least so far (the first of equals)
    assert shares == [[0, 4, 5], [2, 8, 1, 6, 7, 3]]


def test_fewer_tasks_than_workers() -> None:
    assert _shares([10], 4) == [[0]]
    assert _shares([], 2) == []
