"""The name table answers exactly what a brute-force rapidfuzz scan over every key of the
published reports answers, ties and their order included, and keeps doing so as reports
are published, renamed and withdrawn one batch at a time."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from homeward.demo.seed import random_name
from homeward.web.name_matching import NameMatcher, NameTable, name_keys, query_key

SYLLABLES = ["an", "bo", "li", "ma", "ren", "sa", "tom", "wei", "xu", "yo", "ng", "e"]


def latin_name(rng: np.random.Generator) -> str:
    """One to three words of made-up syllables; now and then digits or no letters."""
    words = ["".join(rng.choice(SYLLABLES, size=rng.integers(1, 4)))
             for _ in range(rng.integers(1, 4))]
    name = " ".join(w.capitalize() if rng.random() < 0.5 else w for w in words)
    return {0: "12 34", 1: name + " 2nd"}.get(int(rng.integers(0, 40)), name)


def names(rng: np.random.Generator, n: int) -> list[tuple[str | None, str]]:
    """(characters, latin) names, Chinese and Latin, drawn from small pools so that many
    repeat and many scores tie."""
    chinese = [random_name(rng) for _ in range(300)]
    latin = [(None, latin_name(rng)) for _ in range(300)]
    pool = chinese + latin
    return [pool[int(i)] for i in rng.integers(0, len(pool), n)]


class BruteForce:
    """The search before the name table, over the reports read in id order: every
    distinct key, in order of first appearance, scored by rapidfuzz (no pruning); the
    ``limit`` best keys; then their reports by best score, first seen first."""

    def __init__(self, published: dict[int, tuple[str | None, str]]) -> None:
        self.by_key: dict[str, list[int]] = {}
        for report_id in sorted(published):
            for key in name_keys(*published[report_id]):
                self.by_key.setdefault(key, []).append(report_id)
        self.keys = list(self.by_key)

    def search(self, query: str, *, limit: int, cutoff: float) -> list[tuple[int, float]]:
        best: dict[int, float] = {}
        for _, score, index in process.extract(query, self.keys, scorer=fuzz.ratio,
                                               limit=limit, score_cutoff=cutoff):
            for report_id in self.by_key[self.keys[index]]:
                best[report_id] = max(score, best.get(report_id, 0.0))
        return sorted(best.items(), key=lambda item: -item[1])[:limit]


def table_of(published: dict[int, tuple[str | None, str]]) -> NameTable:
    return NameTable.build((i, name_keys(*published[i])) for i in sorted(published))


def queries_for(rng: np.random.Generator, published: dict[int, tuple[str | None, str]]
                ) -> list[str]:
    some = [published[int(i)] for i in rng.choice(sorted(published), 12)]
    found = [zh or latin for zh, latin in some[:4]]
    found += [latin.lower()[::-1] for _, latin in some[4:8]]  # letters shuffled by reversal
    found += [latin[: max(2, len(latin) - 3)] for _, latin in some[8:]]  # cut short
    return found + ["张小宝", "zhang xiaobo", "wang fang", "li", "Tom Maren", "weixu",
                    "xiaoming liu", "zhaoguoqiang", "ng"]


def assert_same_answers(table: NameTable, published: dict[int, tuple[str | None, str]],
                        queries: list[str]) -> int:
    """Asserts the answers are the same; returns how many held a tie of scores."""
    brute, ties = BruteForce(published), 0
    for cutoff in (60.0, 75.0, 90.0):
        for limit in (1, 5, 20):
            for query in queries:
                key = query_key(query)
                got = [(h.report_id, h.score) for h in
                       table.search(key, limit=limit, cutoff=cutoff)]
                assert got == brute.search(key, limit=limit, cutoff=cutoff), \
                    (query, cutoff, limit)
                ties += len({score for _, score in got}) < len(got)
    return ties


def test_a_fresh_table_answers_as_the_brute_force_scan():
    rng = np.random.default_rng(11)
    published = dict(enumerate(names(rng, 3000), start=1))
    assert assert_same_answers(table_of(published), published,
                               queries_for(rng, published)) > 50


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_table_changed_batch_by_batch_answers_as_a_fresh_scan(seed):
    """Publish, withdraw, rename and add reports in batches; after each batch the table
    answers as a scan of the reports then published (whose first appearances, and so
    the order of ties, moved with them)."""
    rng = np.random.default_rng(seed)
    every = dict(enumerate(names(rng, 1500), start=1))
    published = {i: n for i, n in every.items() if rng.random() < 0.7}
    table = table_of(published)
    next_id = len(every) + 1
    for _ in range(6):
        changes: dict[int, list[str] | None] = {}
        for report_id in rng.choice(sorted(every), 60, replace=False).tolist():
            action = rng.integers(0, 3)
            if action == 0:  # withdrawn (or never published)
                published.pop(report_id, None)
            elif action == 1:  # published
                published[report_id] = every[report_id]
            else:  # renamed, perhaps to a name never seen before
                every[report_id] = names(rng, 1)[0] if rng.random() < 0.5 else \
                    (None, latin_name(rng) + " Neu")
                published[report_id] = every[report_id]
            changes[report_id] = (name_keys(*published[report_id])
                                  if report_id in published else None)
        for name in names(rng, 20):  # new reports
            every[next_id] = published[next_id] = name
            changes[next_id] = name_keys(*name)
            next_id += 1
        before = table
        table = table.with_reports(changes)
        assert table.report_ids.tolist() == sorted(published)
        assert assert_same_answers(table, published, queries_for(rng, published)) > 50
        assert before.with_reports({}) is before  # nothing to change: the same table
    assert table.with_reports({i: name_keys(*published[i]) for i in published}) is table


def test_a_report_whose_name_has_no_letters_is_published_but_never_found():
    table = NameTable.build([(1, name_keys(None, "12 34")), (2, name_keys("林梅", "Lin Mei"))])
    assert table.report_ids.tolist() == [1, 2]
    assert [h.report_id for h in table.search("linmei", limit=20, cutoff=0.0)] == [2]
    table = table.with_reports({2: None})
    assert table.search("linmei", limit=20, cutoff=0.0) == []  # the key is gone, not scored


def test_the_matcher_orders_equal_scores_by_rank():
    """Three keys score 80 against "abcde"; their ranks, not their positions, order them."""
    matcher = NameMatcher(["abcdx", "abcdy", "abcdz", "zzzzz"],
                          ranks=np.array([30, 10, 20, 0]))
    assert matcher.match("abcde", limit=2, cutoff=75.0) == [(1, 80.0), (2, 80.0)]
    brute = sorted((-fuzz.ratio("abcde", k), r, i) for i, (k, r) in
                   enumerate(zip(matcher.keys, matcher.ranks.tolist(), strict=True)))
    assert [i for _, _, i in brute[:3]] == [1, 2, 0]
