"""Sample data: a seeded, rule-built 2019 Dezhou drive, and the same rules at a province's scale.

:func:`dezhou_2019` builds the drive of the source article (德州市领导干部
"进企业、解难题、促发展"集中行动, from 2019-10-10 for 50 days): the city's
divisions and zones, 66 departments and units (市直部门、单位), 27 city-level
work groups (市级工作组) led by members of the four leadership bodies
(市委、市政府、市人大、市政协), 100 backbone enterprises (骨干企业) with valid
unified social credit codes, 111 key projects (市级重点项目), 150 technical-
renovation projects (重点工业技改项目) and a few urban-construction projects
(城建项目), the groups' visits (进厂入企) and the problems they found, each with
its full history, plus the Wucheng and Yucheng finance cases (债务化解, 担保链,
债委会, 无还本续贷, 优质小微企业名单库, 过桥资金). Nothing is typed in: names
come from lists of surnames, given-name characters and trade-name characters,
counts are split by rule (largest remainders), and every history is built
through :meth:`Problem.register <jinjiecu.domain.problem.Problem.register>`
and :meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>`.

As of the report moment, the end of 2019-11-13 in China Standard Time
(:attr:`SampleData.as_of`), the sample gives the city-level figures the article
reports ("截至目前，27个市级工作组共计进厂入企439次，共梳理问题153个，正在办理
139个，已帮助解决完成14个"): 439 visits, 153 problems identified (156
registered, of which 2 were merged as duplicates and 1 rejected), 139 in
progress and 14 resolved. Histories go on to the drive's end on 2019-11-28:
more problems are resolved, followed up (回访) and closed (办结), some
explained (解释清楚), two reopened (重办) after a dissatisfied follow-up, some
suspended (暂缓) or extended (延期), one withdrawn.

>>> drive = dezhou_2019()
>>> drive.counts()["work_groups"], drive.counts()["visits_as_of"], drive.counts()["problems_as_of"]
(27, 439, 156)

:func:`province` applies the same rules to a synthetic province (Shandong's 16
cities with synthetic counties, 100,000 enterprises and 1,000,000 problems by
default) and yields the records in batches, so that a benchmark can load them
without holding them all in memory.

Every id is derived from the seed's rules, never from the clock, so the same
seed always gives equal data.
"""

from __future__ import annotations

from jinjiecu.sample._dezhou import dezhou_2019
from jinjiecu.sample._province import province
from jinjiecu.sample._records import SampleBatch, SampleData

__all__ = ["SampleBatch", "SampleData", "dezhou_2019", "province"]
