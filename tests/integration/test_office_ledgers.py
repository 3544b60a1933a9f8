"""An office's own ledgers go in on the first try: the corpus of eight layouts, one command each.

The ledgers in ``tests/data/ledgers`` are laid out as different offices keep
them (``make_corpus.py`` says how each was made). Each is imported into a
fresh store with one ``jinjiecu import`` and the figures ``jinjiecu stats``
then reports are checked against the ledger's own totals row.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jinjiecu.cli import main
from jinjiecu.storage import open_store

LEDGERS = Path(__file__).resolve().parents[1] / "data" / "ledgers"
AS_OF = "2019-11-13"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A new office's store: ``jinjiecu init`` and nothing else."""
    url = f"sqlite:///{tmp_path / 'office.db'}"
    code, _out, err = run(capsys, "init", "--store", url)
    assert code == 0, err
    return url


def imported(
    capsys: pytest.CaptureFixture[str], store: str, ledger: str, *options: str
) -> dict[str, Any]:
    """Import ``ledger`` in one command; the import's JSON report."""
    code, out, err = run(
        capsys,
        "import",
        str(LEDGERS / ledger),
        "--store",
        store,
        "--create-missing",
        *options,
        "--json",
    )
    assert code == 0, err + out
    report: dict[str, Any] = json.loads(out)
    assert report["errors"] == []
    return report


def stats(capsys: pytest.CaptureFixture[str], store: str) -> dict[str, Any]:
    code, out, err = run(capsys, "stats", "--store", store, "--as-of", AS_OF, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def figures(data: dict[str, Any], *names: str) -> dict[str, int]:
    return {name: data["total"][name] for name in names}


# ====================================================================== problem ledgers


def test_a_county_ledger_with_a_title_a_unit_row_totals_and_notes(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    # 乐陵市: merged title, 填报单位 row, header on row 3, 154 problems, 合计 and notes below;
    # dates five ways; its own words for categories (用地, 环保 ...) and states.
    report = imported(capsys, store, "county-problems.xlsx")
    assert report["header_row"] == 3
    assert report["created"] == 154
    assert report["new_records"] == {
        "enterprises": 48,
        "departments": 10,
        "leaders": 8,
        "regions": 13,  # 乐陵市, found in the 填报单位 row, and its 12 towns
    }
    assert [s["row"] for s in report["skipped"]] == [158, 160, 161]
    assert "合计" in report["skipped"][0]["reason"]
    read = {c["header"]: c["field"] for c in report["columns"]}
    assert read["提报时间"] == "registered_on"
    assert read["责任单位"] == "lead_department"
    assert read["办理情况"] == "state"  # its cells are states
    assert read["包联领导"] == "leader"
    assert read["所属镇街"] == "place"
    assert report["ignored_columns"] == ["备注"]
    # 已办结 with no follow-up columns: recorded as solved, each said.
    assert len(report["warnings"]) == 7
    # The 合计 row: 办理中119个、已完成14个、已办结7个、已向企业解释14个; 63 past their deadline.
    assert figures(
        stats(capsys, store), "identified", "in_progress", "resolved", "explained", "overdue"
    ) == {"identified": 154, "in_progress": 119, "resolved": 21, "explained": 14, "overdue": 63}


def test_a_city_summary_in_gbk_with_a_subtotal_per_county(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    report = imported(capsys, store, "city-problems-gbk.csv")
    assert report["encoding"] == "GBK"
    assert report["created"] == 44
    assert [s["reason"].split("，")[0] for s in report["skipped"]] == [
        "合计行（德城区小计）",
        "合计行（陵城区小计）",
        "合计行（禹城市小计）",
        "合计行（武城县小计）",
        "合计行（总计）",
    ]
    # 德州市 (from the title rows) and the four counties, from the reference divisions.
    assert report["new_records"]["regions"] == 5
    data = stats(capsys, store)
    assert figures(data, "registered", "identified", "in_progress", "resolved", "explained") == {
        "registered": 44,
        "identified": 38,  # 6 不予受理 are not counted
        "in_progress": 17,  # 正在协调 11 and 未解决 6
        "resolved": 14,
        "explained": 7,
    }
    assert data["total"]["rejected"] == 6
    code, out, _err = run(
        capsys, "stats", "--store", store, "--as-of", AS_OF, "--by", "region", "--json"
    )
    assert code == 0
    counties = {row["label"]: row["figures"]["identified"] for row in json.loads(out)["rows"]}
    assert counties["德州市"] == 38  # the city's row includes its counties
    assert sum(counties[c] for c in ("德城区", "陵城区", "禹城市", "武城县")) == 38


def test_a_development_zone_ledger_in_english_with_a_bom(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    report = imported(capsys, store, "devzone-problems-en.csv", "--region", "经开区")
    assert report["encoding"] == "UTF-8 (BOM)"
    assert {c["header"]: c["unit"] for c in report["columns"]}["Amount (万元)"] == "万元"
    assert figures(stats(capsys, store), "identified", "in_progress", "resolved", "explained") == {
        "identified": 10,
        "in_progress": 4,
        "resolved": 4,
        "explained": 2,
    }
    export = Path(store.removeprefix("sqlite:///")).with_name("zone.csv")
    code, _out, err = run(capsys, "export", str(export), "--store", store)
    assert code == 0, err
    with export.open(encoding="utf-8-sig", newline="") as stream:
        amounts = [row["涉及金额"] for row in csv.DictReader(stream)]
    # 150 in a column headed Amount (万元) is 150万元, and 300.5 is 300.5万元.
    assert amounts[:2] == ["150万元", "300.5万元"]
    assert sum(Decimal(a.removesuffix("万元")) for a in amounts) == Decimal("8252.5")


def test_a_town_ledger_with_blank_rows_serial_dates_and_a_progress_column(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    report = imported(capsys, store, "town-problems.xlsx", "--region", "禹城市")
    assert report["header_row"] == 3
    read = {c["header"]: c["field"] for c in report["columns"]}
    assert read["办理情况"] == "progress"  # free text, beside a 目前状态 of states
    assert read["目前状态"] == "state"
    assert report["new_records"] == {
        "enterprises": 8,
        "departments": 4,
        "leaders": 2,
        "regions": 7,  # 禹城市 and six towns
    }
    assert figures(stats(capsys, store), "identified", "in_progress", "resolved", "explained") == {
        "identified": 20,
        "in_progress": 12,
        "resolved": 4,
        "explained": 4,
    }


# ====================================================================== finance ledgers


def finance(capsys: pytest.CaptureFixture[str], store: str) -> dict[str, Any]:
    data: dict[str, Any] = stats(capsys, store)["finance"]
    return data


def test_a_banks_renewal_list_in_gbk_with_the_unit_above_the_table(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    report = imported(capsys, store, "renewals-gbk.csv", "--kind", "renewals")
    assert report["encoding"] == "GBK"
    assert report["new_records"]["enterprises"] == 6
    assert report["new_records"]["departments"] == 4  # the banks
    # The 合计 row says 11515.0 (万元).
    assert Decimal(report["amount"]) == Decimal(115150000)
    totals = finance(capsys, store)
    assert totals["loan_renewals"] == 30
    assert Decimal(totals["renewal_amount"]) == Decimal(115150000)


def test_a_bridge_funds_draws_in_xlsx(capsys: pytest.CaptureFixture[str], store: str) -> None:
    report = imported(
        capsys, store, "bridge-funds.xlsx", "--kind", "bridge-funds", "--region", "禹城市"
    )
    assert report["new_records"]["funds"] == 1
    assert report["ignored_columns"] == ["对接银行"]
    assert len(report["warnings"]) == 1  # the new fund's terms were defaulted, and said so
    totals = finance(capsys, store)
    assert totals["bridge_draws"] == 20
    assert Decimal(totals["bridge_amount"]) == Decimal(76500000)  # 合计 7650 (万元)


def test_a_debt_ledger_in_gb18030_with_lower_bounds(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    report = imported(capsys, store, "debt-gb18030.csv", "--kind", "debt", "--region", "禹城市")
    assert report["encoding"] == "GB18030"
    assert report["amount_approximate"] is True  # one row's debt was 8000多
    totals = finance(capsys, store)
    assert totals["debt_resolutions"] == 12
    assert Decimal(totals["debt_resolved"]) == Decimal(396000000)  # 合计 39600 (万元)
    assert totals["debt_resolved_approximate"] is True


def test_a_whitelist_with_additions_and_removals(
    capsys: pytest.CaptureFixture[str], store: str
) -> None:
    report = imported(
        capsys, store, "whitelist-utf8.csv", "--kind", "whitelist", "--region", "禹城市"
    )
    assert report["created"] == 28
    assert report["new_records"]["enterprises"] == 25
    assert report["new_records"]["whitelists"] == 1
    with open_store(store) as opened:
        (listing,) = opened.whitelists.list()
        assert len(listing.members(dt.date(2019, 9, 30))) == 25
        assert len(listing.members(dt.date(2019, 10, 8))) == 22
        assert len(listing.criteria) == 4  # as the rows name them


# ====================================================================== again, and back


@pytest.mark.parametrize(
    ("ledger", "options"),
    [
        ("county-problems.xlsx", ()),
        ("city-problems-gbk.csv", ()),
        ("renewals-gbk.csv", ("--kind", "renewals")),
        ("bridge-funds.xlsx", ("--kind", "bridge-funds", "--region", "禹城市")),
        ("debt-gb18030.csv", ("--kind", "debt", "--region", "禹城市")),
        ("whitelist-utf8.csv", ("--kind", "whitelist", "--region", "禹城市")),
    ],
)
def test_importing_a_ledger_again_changes_nothing(
    capsys: pytest.CaptureFixture[str], store: str, ledger: str, options: tuple[str, ...]
) -> None:
    imported(capsys, store, ledger, *options)
    again = imported(capsys, store, ledger, *options)
    assert again["created"] == again["updated"] == 0
    assert again["unchanged"] == again["rows"]
    assert not any(again["new_records"].values())


def test_a_finance_ledger_exported_from_the_command_line_goes_back_unchanged(
    capsys: pytest.CaptureFixture[str], store: str, tmp_path: Path
) -> None:
    imported(capsys, store, "renewals-gbk.csv", "--kind", "renewals")
    target = tmp_path / "续贷.xlsx"
    code, out, err = run(capsys, "export", str(target), "--store", store, "--kind", "renewals")
    assert code == 0, err
    assert "30" in out
    code, out, err = run(
        capsys, "import", str(target), "--store", store, "--kind", "renewals", "--json"
    )
    assert code == 0, err
    again = json.loads(out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 30)
    code, out, _err = run(capsys, "stats", "--store", store, "--as-of", AS_OF, "--lang", "zh")
    assert "无还本续贷：30 笔，1.1515亿元" in out


@pytest.mark.parametrize(
    ("option", "value"),
    [("--on-error", "reject"), ("--campaign", "dz2019")],
    ids=["a finance ledger is all or nothing only", "it belongs to no campaign"],
)
def test_problem_ledger_options_are_refused_for_a_finance_ledger(
    capsys: pytest.CaptureFixture[str], store: str, option: str, value: str
) -> None:
    code, _out, err = run(
        capsys,
        "import",
        str(LEDGERS / "renewals-gbk.csv"),
        "--store",
        store,
        "--kind",
        "renewals",
        option,
        value,
    )
    assert code == 2
    assert option in err
