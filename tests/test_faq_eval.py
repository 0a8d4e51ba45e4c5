"""The FAQ evaluation (bench/faq_eval.py) on a small fixed sample of the held-out set, in CI.

The full sets run with `make bench`; here 20 labelled and 5 off-topic held-out questions, picked
evenly through the file (deterministic), must meet the same targets.
"""

from __future__ import annotations

import pytest

from bench import faq_eval
from bot import schedule as sched


def spread(items: list, n: int) -> list:
    """``n`` items evenly spread through ``items`` (all of them if there are fewer)."""
    if len(items) <= n:
        return items
    return [items[i * len(items) // n] for i in range(n)]


@pytest.fixture(scope="module")
def schedule():
    return sched.load(faq_eval.DEFAULT_SCHEDULE)


def test_a_sample_of_the_held_out_set_meets_the_targets(schedule):
    questions = faq_eval.load_questions(faq_eval.SETS["heldout"])
    labelled = spread([q for q in questions if q.expect], 20)
    off_topic = spread([q for q in questions if not q.expect], 5)
    assert len(labelled) == 20 and len(off_topic) == 5
    result = faq_eval.evaluate(schedule, labelled + off_topic)
    assert result.off_topic_confident == 0, faq_eval.report(result, "sample")
    assert result.top1_rate >= faq_eval.TARGET_TOP1, faq_eval.report(result, "sample")
    # Answer time is a benchmark figure (make bench), not a test: a loaded CI machine is no measure.


def test_the_eval_sets_name_only_faq_ids_of_the_default_schedule(schedule):
    ids = {e.id for e in schedule.faq}
    for path in faq_eval.SETS.values():
        questions = faq_eval.load_questions(path)
        assert questions and {q.expect for q in questions if q.expect} <= ids, path
        assert {q.lang for q in questions} <= {"id", "en"}


def test_the_report_says_whether_the_targets_hold(schedule):
    result = faq_eval.evaluate(schedule, [faq_eval.Question("jual pulsa murah", "")], repeat=1)
    assert result.off_topic == 1 and result.labelled == 0
    assert "targets" in faq_eval.report(result, "x")
