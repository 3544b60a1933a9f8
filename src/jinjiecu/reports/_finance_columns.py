"""The columns of a finance ledger, by kind, and the headers export writes.

Private to :mod:`jinjiecu.reports.finance_ledger`, which exports (and
documents) :data:`~jinjiecu.reports.finance_ledger.FINANCE_KINDS`,
:data:`~jinjiecu.reports.finance_ledger.FINANCE_COLUMNS`,
:data:`~jinjiecu.reports.finance_ledger.AMOUNT_FIELDS`,
:data:`~jinjiecu.reports.finance_ledger.EXPORT_UNIT` and
:func:`~jinjiecu.reports.finance_ledger.finance_headers`. Headers are read
through :data:`~jinjiecu.reports.vocabulary.FINANCE_HEADER_SYNONYMS`.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from jinjiecu.domain.validation import check
from jinjiecu.reports.vocabulary import FINANCE_HEADER_SYNONYMS

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "AMOUNT_FIELDS",
    "EXPORT_UNIT",
    "FINANCE_COLUMNS",
    "FINANCE_KINDS",
    "check_kind",
    "finance_headers",
    "header_for",
]


# Documented in jinjiecu.reports.finance_ledger, which exports it.
FINANCE_KINDS: Final = ("renewals", "bridge-funds", "debt", "whitelist")


# Documented in jinjiecu.reports.finance_ledger, which exports it.
FINANCE_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "renewals": (
            *("number", "id", "enterprise", "credit_code", "region", "place", "bank", "branch"),
            *("contract", "original_amount", "original_start", "maturity", "renewed_on"),
            *("amount", "term_months", "rate", "guarantee_resigned", "risk_before"),
            *("risk_after", "problems", "note"),
        ),
        "bridge-funds": (
            *("number", "fund", "operator", "pool_size", "max_days", "daily_fee_rate"),
            *("enterprise", "credit_code", "region", "place", "amount", "drawn_on", "repaid_on"),
            *("reference", "problems"),
        ),
        "debt": (
            *("number", "id", "enterprise", "credit_code", "region", "place", "creditors"),
            *("debt_before", "debt_after", "resolved", "method", "resolved_on", "problems"),
            "note",
        ),
        "whitelist": (
            *("number", "whitelist", "enterprise", "credit_code", "region", "place", "change"),
            "on",
            *("criteria", "reason"),
        ),
    }
)


# Documented in jinjiecu.reports.finance_ledger, which exports it.
AMOUNT_FIELDS: Final = frozenset(
    ("original_amount", "amount", "pool_size", "debt_before", "debt_after", "resolved")
)


# Documented in jinjiecu.reports.finance_ledger, which exports it.
EXPORT_UNIT: Final = "万元"


def finance_headers(kind: str, *, english: bool = False) -> dict[str, str]:
    """The headers export writes for ``kind``, by field (amounts with ``（万元）``)."""
    check_kind(kind)
    table = FINANCE_HEADER_SYNONYMS[kind]
    headers: dict[str, str] = {}
    for field in FINANCE_COLUMNS[kind]:
        word = table[field][-1 if english else 0]
        if field in AMOUNT_FIELDS:
            word = f"{word} ({EXPORT_UNIT})" if english else f"{word}（{EXPORT_UNIT}）"
        headers[field] = word
    return headers


def check_kind(kind: object) -> None:
    check(
        kind in FINANCE_KINDS,
        field="kind",
        expected="one of " + ", ".join(FINANCE_KINDS),
        received=kind,
    )


def header_for(kind: str, field: str, *, english: bool = False) -> str:
    """The library's own header of ``field`` (its English one, the table's last word)."""
    words = FINANCE_HEADER_SYNONYMS[kind].get(field)
    if not words:
        return field
    return words[-1].lower() if english else words[0]
