"""Hostile input: text and ids that break naive stores, and large batches.

Private to :mod:`jinjiecu.testing.conformance`:
:class:`~jinjiecu.testing.conformance.StoreConformance` inherits these tests.
"""

# The suite is a test module shipped in the package: asserts are how it checks, and
# test names say what each rule is.
# ruff: noqa: S101

from __future__ import annotations

import attrs
import pytest
from hypothesis import strategies as st

from jinjiecu.domain.events import Reject, Start, Suspend
from jinjiecu.domain.ids import CampaignId, EnterpriseId, LeaderId, ProblemId, RegionId, VisitId
from jinjiecu.domain.org import Leader
from jinjiecu.domain.problem import Actor, ActorKind
from jinjiecu.errors import DuplicateError, NotFoundError
from jinjiecu.storage.base import MAX_PAGE, Query, Store
from jinjiecu.storage.integrity import verify
from jinjiecu.testing.conformance._helpers import (
    ConformanceArea,
    _assert_same,
    _assert_same_list,
    _assign,
    _credit_code,
    _enterprise,
    _Fresh,
    _region,
    _registered,
    _then,
    _visit,
)
from jinjiecu.testing.stateful import comparable

HOSTILE_NAMES: tuple[str, ...] = (
    "'; DROP TABLE records; --",
    "Robert'); DROP TABLE problems; --",
    '" OR "1"="1',
    "' OR ''='",
    "%_% LIKE 'a%' ESCAPE '\\'",
    "$$ dollar $tag$ quoting $1 ? :name %s {}",
    "back\\slash \\\\ \\n \\x00 \\u0000 \\' \\",
    "单引号'双引号\"反引号`全角＇＂",
    "👨‍👩‍👧‍👦 🏳️‍🌈 🇨🇳 👍🏽 🧑🏻‍💻 family ZWJ",
    "unassigned \u0378\u0379 \U000e0080 noncharacters \ufdd0\ufffe\uffff\U0010fffe",
    "private use \ue000\U000f0000 replacement \ufffd",
    "bidi \u202eRLO\u202c zero-width \u200b\u200c\u200d\ufeff combining e\u0301 a\u0308",
    " 前后有空格 ",
    "NULL",
    '{"json": [1, 2], "k": null} </script><script>alert(1)</script>',
    "中" * 200,
    "a" * 199 + "😀",
)
"""Single-line, non-blank names that stores must keep exactly (no control characters)."""

_CONTROL = "".join(map(chr, range(1, 32))) + "\x7f\x80\x85\x9f"

HOSTILE_TEXTS: tuple[str, ...] = (
    *HOSTILE_NAMES[:12],
    _CONTROL,
    "line 1\nline 2\r\nline 3\rline 4\u2028line 5\u2029tab\tend\x0b\x0c",
    "trailing newline and spaces \n  ",
    "",
    "   ",
    "\n\n",
    "\\x00 is not NUL but \x01 is SOH",
    ("进企业'\";--\\\x01😀\u200d\U0010fffe" * 10_000)[:100_000],
)
"""Free texts (notes, descriptions) that stores must keep exactly; the last is 100,000 long."""

HOSTILE_IDS: tuple[str, ...] = (
    "'; DROP TABLE records; --",
    "a%",
    "a_",
    "a\\b",
    'quote"d',
    "中文编号",
    "emoji😀",
    "Abc",
    "abc",
    "x" * 128,
)
"""Printable ids that stores must keep exactly and match exactly (case and wildcards)."""


class HostileInputConformance(ConformanceArea):
    """Hostile text and ids round-trip exactly; large batches go in whole or not at all."""

    # ---------------------------------------------------------- hostile text

    def test_hostile_names_round_trip_exactly(self, store: Store) -> None:
        failures: list[str] = []
        for n, text in enumerate(HOSTILE_NAMES):
            where = RegionId(f"hostile-{n}")
            actor = Actor(kind=ActorKind.LEADER, id=text[:128], name=text)
            problem = _then(
                _registered(f"p-{n}", title=text, actor=actor, region_id=where),
                _assign(),
                Start(),
                Suspend(reason=text),
            )
            store.enterprises.add(
                _enterprise(f"e-{n}", name=text, industry=text[:100], region_id=where)
            )
            store.regions.add(_region(f"r-{n}", name=text, parent_id=where))
            store.leaders.add(
                Leader(id=LeaderId(f"l-{n}"), name=text[:50], post=text, region_id=where)
            )
            store.problems.add(problem)
            by_place = Query(region_id=where)
            got = store.problems.get(problem.id)
            listed = store.problems.list(by_place)
            kept = {
                "enterprise name": store.enterprises.get(EnterpriseId(f"e-{n}")).name == text,
                "listed enterprise industry": [e.industry for e in store.enterprises.list(by_place)]
                == [text[:100]],
                "region name": store.regions.get(RegionId(f"r-{n}")).name == text,
                "listed region name": [r.name for r in store.regions.list(by_place)] == [text],
                "leader name and post": [(x.name, x.post) for x in store.leaders.list(by_place)]
                == [(text[:50], text)],
                "problem title": got.title == text,
                "actor id and name": (got.transitions[0].actor.id, got.transitions[0].actor.name)
                == (text[:128], text),
                "suspension reason": got.transitions[-1].data == Suspend(reason=text),
                "listed problem": comparable(listed) == comparable([problem]),
            }
            failures += [f"#{n} {text!r:.60}: {what}" for what, ok in kept.items() if not ok]
        assert not failures, "names not kept exactly:\n" + "\n".join(failures)

    def test_hostile_free_text_round_trips_exactly(self, store: Store) -> None:
        failures: list[str] = []
        for n, text in enumerate(HOSTILE_TEXTS):
            visit = attrs.evolve(_visit(f"v-{n}", notes=text), campaign_id=CampaignId(f"c-{n}"))
            where = RegionId(f"hostile-{n}")
            problem = _then(
                _registered(f"p-{n}", description=text, note=text, region_id=where),
                _assign(),
                note=text,
            )
            store.visits.add(visit)
            store.problems.add(problem)
            got = store.problems.get(problem.id)
            listed_visits = store.visits.list(Query(campaign_id=CampaignId(f"c-{n}")))
            kept = {
                "visit notes": store.visits.get(visit.id).notes == text,
                "listed visit notes": [v.notes for v in listed_visits] == [text],
                "problem description": got.description == text,
                "transition notes": [t.note for t in got.transitions] == [text, text],
                "problem, byte for byte": comparable(got) == comparable(problem),
                "listed problem": comparable(store.problems.list(Query(region_id=where)))
                == comparable([problem]),
            }
            failures += [f"#{n} {text!r:.60}: {what}" for what, ok in kept.items() if not ok]
        assert not failures, "free text not kept exactly:\n" + "\n".join(failures)

    @pytest.mark.parametrize("text", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
    def test_hostile_ids_round_trip_and_match_exactly(self, store: Store, text: str) -> None:
        look_alikes = ["a-", "aX", "a", "ABC", "abcd", text.swapcase(), text[:120] + "x"]
        look_alikes = [other for other in look_alikes if other != text]
        region = _region(text)
        store.regions.add(region)
        store.regions.add(_region("child", parent_id=text))
        store.regions.add_many(
            _region(f"child-{n}", parent_id=other) for n, other in enumerate(look_alikes)
        )
        store.enterprises.add(_enterprise(text, region_id=text))
        store.enterprises.add_many(
            _enterprise(f"e-{n}", region_id=other) for n, other in enumerate(look_alikes)
        )
        store.problems.add(_registered(text, region_id=text, enterprise_id=text))
        store.problems.add_many(
            _registered(f"p-{n}", enterprise_id=other) for n, other in enumerate(look_alikes)
        )
        _assert_same(store.regions.get(RegionId(text)), region)
        assert RegionId(text) in store.regions
        assert [r.id for r in store.regions.list(Query(region_id=RegionId(text)))] == ["child"]
        assert [e.id for e in store.enterprises.list(Query(region_id=RegionId(text)))] == [text]
        by_enterprise = store.problems.list(Query(enterprise_id=EnterpriseId(text)))
        assert [p.id for p in by_enterprise] == [text]
        assert store.problems.get(ProblemId(text)).id == text
        assert ProblemId(text) in store.problems
        missing = text[:120] + "'"
        with pytest.raises(NotFoundError) as raised:
            store.regions.get(RegionId(missing))
        assert raised.value.id == missing
        swapped = text.swapcase()
        if swapped != text:
            assert RegionId(swapped) not in store.regions, "ids are matched case-sensitively"

    def test_random_text_round_trips_exactly(self, store: Store) -> None:
        fresh = _Fresh()
        single_line = st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"])
        names = st.text(single_line, min_size=1, max_size=200).filter(lambda s: bool(s.strip()))
        texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))

        def check(name: str, text: str) -> None:
            number = fresh.number()
            enterprise = _enterprise(f"e-{number}", name=name)
            visit = _visit(f"v-{number}", notes=text)
            problem = _registered(f"p-{number}", title=name, description=text, note=text)
            store.enterprises.add(enterprise)
            store.visits.add(visit)
            store.problems.add(problem)
            assert store.enterprises.get(enterprise.id).name == name
            assert store.visits.get(visit.id).notes == text
            _assert_same(store.problems.get(problem.id), problem)

        self._check(check, names, texts)

    def test_very_long_texts_round_trip_exactly(self, store: Store) -> None:
        long_text = ("进企业解难题'\";--\\\x01\x1f😀\u200d\r\n" * 8000)[:100_000]
        assert len(long_text) == 100_000
        store.visits.add(_visit("v-1", notes=long_text))
        problem = _then(
            _registered("p-1", title="长" * 200, description=long_text, note=long_text),
            Reject(reason=long_text),
            note=long_text,
        )
        store.problems.add(problem)
        assert store.visits.get(VisitId("v-1")).notes == long_text
        stored = store.problems.get(problem.id)
        assert stored.description == long_text
        assert stored.title == "长" * 200
        assert [t.note for t in stored.transitions] == [long_text, long_text]
        _assert_same(stored, problem)

    # ---------------------------------------------------------- volume

    def test_a_thousand_records_go_in_one_add_many(self, store: Store) -> None:
        enterprises = [
            _enterprise(
                f"e-{n:04d}",
                region_id="r-1" if n % 2 else "r-2",
                credit_code=_credit_code(n) if n % 3 else None,
                name=f"企业{n}'\\",
            )
            for n in range(1000)
        ]
        assert store.enterprises.add_many(reversed(enterprises)) == 1000
        assert store.enterprises.count() == 1000
        _assert_same_list(store.enterprises.list(limit=MAX_PAGE), enterprises)
        pages = [store.enterprises.list(limit=300, offset=offset) for offset in range(0, 1000, 300)]
        assert [len(page) for page in pages] == [300, 300, 300, 100]
        _assert_same_list([e for page in pages for e in page], enterprises)
        assert store.enterprises.count(Query(region_id=RegionId("r-1"))) == 500
        problems = [
            _then(_registered(f"p-{n:03d}", region_id=f"r-{n % 3}"), _assign()) for n in range(200)
        ]
        assert store.problems.add_many(problems) == 200
        assert store.problems.count() == 200
        assert store.problems.count(Query(region_id=RegionId("r-0"))) == 67
        _assert_same_list(store.problems.list(limit=MAX_PAGE), problems)

    def test_a_large_batch_of_problems_goes_in_whole_or_not_at_all(self, store: Store) -> None:
        # Large enough that a store may write it in chunks (the SQL stores do, building
        # one chunk's rows while writing another's): all of it, or nothing.
        problems = [
            _then(_registered(f"p-{n:05d}", region_id=f"r-{n % 3}"), _assign()) for n in range(4500)
        ]
        head = store.head()
        with pytest.raises(DuplicateError):
            store.problems.add_many([*problems, problems[10]])  # the last one is a repeat
        assert store.problems.count() == 0
        assert store.head() == head
        assert store.problems.add_many(problems) == 4500
        assert store.problems.count(Query(region_id=RegionId("r-2"))) == 1500
        _assert_same_list(store.problems.list(limit=MAX_PAGE, offset=4000), problems[4000:])
        assert verify(store).ok
