"""Public Hypothesis strategies for jinjiecu's values and entities.

Every strategy returns a ``SearchStrategy`` of valid values that shrink towards
small, readable examples. The project's own tests use these same strategies.
Requires the ``testing`` extra (Hypothesis).

Problems (:func:`problems`) are built the way an app builds them, through
:meth:`Problem.register <jinjiecu.domain.problem.Problem.register>` and
:meth:`Problem.apply <jinjiecu.domain.problem.Problem.apply>`, so their
histories are always consistent. Their parameters:

- ``state``: the state the problem ends in (any state, if ``None``);
- ``min_start``, ``max_start``: the range of registration days;
- ``max_steps``: the most random steps before the path to ``state``;
- ``rules``: the office's :class:`~jinjiecu.domain.problem.ProblemRules`
  (taxonomy, deadline policy, calendar) every step is applied under;
- ``region_id``, ``campaign_id``, ``work_group_id``: fixed values for the
  registration (else random ones), as for :func:`register_details`.

:func:`event_data` draws valid data for one event on a given problem, for
tests that drive a problem step by step themselves.
"""

from __future__ import annotations

from jinjiecu.testing.strategies._finance import (
    asset_disposals,
    bridge_funds,
    coordinated_financings,
    creditor_committees,
    debt_resolutions,
    loan_renewals,
    loans,
    whitelists,
)
from jinjiecu.testing.strategies._guarantees import guarantee_links, guarantee_networks
from jinjiecu.testing.strategies._personal import (
    contacts,
    mobile_numbers,
    mobile_texts,
    personal_texts,
    resident_ids,
)
from jinjiecu.testing.strategies._problems import actors, event_data, problems, register_details
from jinjiecu.testing.strategies._records import (
    campaign_offices,
    campaign_targets,
    campaigns,
    departments,
    enterprises,
    leaders,
    projects,
    regions,
    visits,
    work_groups,
)
from jinjiecu.testing.strategies._values import (
    IdT as IdT,
    aware_datetimes,
    covered_dates,
    credit_codes,
    division_codes,
    free_texts,
    holiday_notices,
    ids,
    money,
    money_texts,
    names,
    working_dates,
)

__all__ = [
    "actors",
    "asset_disposals",
    "aware_datetimes",
    "bridge_funds",
    "campaign_offices",
    "campaign_targets",
    "campaigns",
    "contacts",
    "coordinated_financings",
    "covered_dates",
    "credit_codes",
    "creditor_committees",
    "debt_resolutions",
    "departments",
    "division_codes",
    "enterprises",
    "event_data",
    "free_texts",
    "guarantee_links",
    "guarantee_networks",
    "holiday_notices",
    "ids",
    "leaders",
    "loan_renewals",
    "loans",
    "mobile_numbers",
    "mobile_texts",
    "money",
    "money_texts",
    "names",
    "personal_texts",
    "problems",
    "projects",
    "regions",
    "register_details",
    "resident_ids",
    "visits",
    "whitelists",
    "work_groups",
    "working_dates",
]
