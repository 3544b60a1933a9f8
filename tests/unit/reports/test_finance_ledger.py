"""Finance ledgers: renewals, bridge-fund draws, debt resolutions and whitelist changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from jinjiecu.domain.finance import DebtResolutionMethod, WhitelistChange
from jinjiecu.domain.money import Money
from jinjiecu.domain.org import DepartmentKind
from jinjiecu.errors import ValidationError
from jinjiecu.reports.finance_ledger import (
    FINANCE_COLUMNS,
    FINANCE_KINDS,
    export_finance_ledger,
    finance_headers,
    import_finance_ledger,
)
from jinjiecu.reports.ledger import LedgerImportError
from jinjiecu.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from jinjiecu.storage.base import Store


def csv_file(path: Path, rows: Sequence[Sequence[object]], encoding: str = "gbk") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


RENEWAL_HEADER = ["序号", "借款人", "贷款银行", "续贷日期", "续贷金额（万元）", "年利率", "期限"]


def renewal_row(number: int, **changes: str) -> list[str]:
    values: dict[str, str] = {
        "序号": str(number),
        "借款人": f"禹城市第{number % 4}食品有限公司",
        "贷款银行": ("禹城农商银行", "中国工商银行禹城支行")[number % 2],
        "续贷日期": "2019年10月8日",
        "续贷金额（万元）": "500",
        "年利率": "4.35%",
        "期限": "12个月",
    }
    values.update(changes)
    return [values[h] for h in RENEWAL_HEADER]


# ====================================================================== renewals


def test_a_renewal_list_goes_in_with_its_banks(store: Store, tmp_path: Path) -> None:
    rows = [["禹城市无还本续贷统计表"], RENEWAL_HEADER, *(renewal_row(n) for n in range(4))]
    rows.append(["合计", "", "", "", "2000", "", ""])
    file = csv_file(tmp_path / "续贷.csv", rows)
    report = import_finance_ledger(
        store, file, kind="renewals", create_missing=True, region="禹城市"
    )
    assert (report.created, report.rows, report.amount) == (4, 4, Money.parse("2000万元"))
    assert report.encoding == "GBK"
    assert report.new_records == {"enterprises": 4, "departments": 2, "leaders": 0, "regions": 1}
    banks = store.departments.list()
    assert {b.kind for b in banks} == {DepartmentKind.FINANCIAL_INSTITUTION}
    renewals = store.loan_renewals.list()
    assert {r.new_amount for r in renewals} == {Money.parse("500万元")}
    assert {r.annual_rate_percent for r in renewals} == {Decimal("4.35")}
    # What the ledger left out is defaulted, and the note says so.
    assert all("原贷款金额" in r.note for r in renewals)
    assert all(r.original.maturity == r.renewed_on for r in renewals)


def test_a_bank_the_store_knows_is_written_as_the_store_writes_it(
    store: Store, tmp_path: Path
) -> None:
    file = csv_file(tmp_path / "a.csv", [RENEWAL_HEADER, renewal_row(1)])
    import_finance_ledger(store, file, kind="renewals", create_missing=True, region="禹城市")
    spaced = renewal_row(1, 贷款银行=" 中国工商银行\u3000禹城支行 ", 续贷日期="2019-10-09")
    import_finance_ledger(
        store, csv_file(tmp_path / "b.csv", [RENEWAL_HEADER, spaced]), kind="renewals"
    )
    assert {r.bank for r in store.loan_renewals.list()} == {"中国工商银行禹城支行"}
    assert store.departments.count() == 1


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        ({"续贷日期": "2019年13月8日"}, "续贷日期", "2019年13月8日"),
        ({"续贷金额（万元）": "五百"}, "续贷金额（万元）", "金额"),
        ({"续贷金额（万元）": "-5"}, "续贷金额（万元）", "负"),
        ({"年利率": "40"}, "年利率", "36"),
        ({"期限": "0"}, "期限", "term_months"),
        ({"期限": "一年"}, "期限", "月数"),
        ({"贷款银行": ""}, "贷款银行", "贷款银行"),
        ({"借款人": ""}, "借款人", "企业名称"),
    ],
)
def test_a_bad_renewal_cell_names_its_row_column_and_reason(
    store: Store, tmp_path: Path, change: dict[str, str], column: str, words: str
) -> None:
    rows = [RENEWAL_HEADER, renewal_row(1), renewal_row(2, **change)]
    file = csv_file(tmp_path / "续贷.csv", rows)
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(store, file, kind="renewals", create_missing=True, region="禹城市")
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, column)
    assert words in error.reason
    assert store.loan_renewals.count() == store.enterprises.count() == 0


def test_a_renewal_after_its_maturity_is_refused_in_the_date_column(
    store: Store, tmp_path: Path
) -> None:
    header = [*RENEWAL_HEADER, "原贷款到期日"]
    rows = [header, [*renewal_row(1), "2019年10月1日"]]  # renewed on 10-08, after it fell due
    file = csv_file(tmp_path / "续贷.csv", rows)
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(store, file, kind="renewals", create_missing=True, region="禹城市")
    (error,) = caught.value.errors
    assert error.column == "续贷日期"
    assert "maturity" in error.reason


def test_a_renewal_without_the_store_s_banks_keeps_the_bank_as_typed(
    store: Store, tmp_path: Path
) -> None:
    file = csv_file(tmp_path / "a.csv", [RENEWAL_HEADER, renewal_row(1)])
    import_finance_ledger(store, file, kind="renewals", create_missing=True, region="禹城市")
    store_banks = store.departments.count()
    other = renewal_row(1, 贷款银行="德州银行禹城支行", 续贷日期="2019-11-01")
    import_finance_ledger(
        store, csv_file(tmp_path / "b.csv", [RENEWAL_HEADER, other]), kind="renewals"
    )
    assert "德州银行禹城支行" in {r.bank for r in store.loan_renewals.list()}
    assert store.departments.count() == store_banks


def test_a_link_to_a_problem_the_store_lacks_is_refused(store: Store, tmp_path: Path) -> None:
    rows = [[*RENEWAL_HEADER, "关联问题"], [*renewal_row(1), "p-404"]]
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(
            store,
            csv_file(tmp_path / "a.csv", rows),
            kind="renewals",
            create_missing=True,
            region="禹城市",
        )
    (error,) = caught.value.errors
    assert (error.column, "p-404" in error.reason) == ("关联问题", True)


def test_the_same_renewal_twice_in_a_ledger_is_refused(store: Store, tmp_path: Path) -> None:
    rows = [RENEWAL_HEADER, renewal_row(1), renewal_row(1)]
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(
            store,
            csv_file(tmp_path / "a.csv", rows),
            kind="renewals",
            create_missing=True,
            region="禹城市",
        )
    assert [(e.row, "第2行" in e.reason) for e in caught.value.errors] == [(3, True)]


# ====================================================================== debts

DEBT_HEADER = ["企业名称", "债权人", "化解前债务", "化解后债务", "化解金额", "化解方式", "化解日期"]


def test_two_of_the_three_debt_amounts_give_the_third(store: Store, tmp_path: Path) -> None:
    rows = [
        ["单位：万元"],
        DEBT_HEADER,
        ["甲公司", "工商银行、农商银行", "1000", "400", "", "打包处置", "2019-08-01"],
        ["乙公司", "工商银行", "1000", "", "700", "重组", "2019-08-02"],
        ["丙公司", "工商银行", "", "200", "300", "展期", "2019-08-03"],
        ["丁公司", "工商银行", "8000多", "2650", "", "", "2019-08-04"],
    ]
    report = import_finance_ledger(
        store,
        csv_file(tmp_path / "债务.csv", rows, "utf-8"),
        kind="debt",
        create_missing=True,
        region="禹城市",
    )
    assert report.created == 4
    by_name = {
        store.enterprises.get(d.enterprise_id).name: d for d in store.debt_resolutions.list()
    }
    assert by_name["甲公司"].creditors == ("工商银行", "农商银行")
    assert by_name["乙公司"].debt_after == Money.parse("300万元")
    assert by_name["丙公司"].debt_before == Money.parse("500万元")
    assert by_name["丁公司"].resolved_amount.approximate
    assert by_name["丁公司"].method is DebtResolutionMethod.OTHER
    assert by_name["甲公司"].method is DebtResolutionMethod.PACKAGE_DISPOSAL
    assert report.amount == Money.parse("6950多万元")  # 600 + 700 + 300 + 5350多


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        (["1000", "400", "500"], "化解金额"),  # 1000 - 400 is not 500
        (["1000", "", ""], "化解前债务"),  # only one of the three
        (["1000", "", "1200"], "化解金额"),  # more resolved than owed
        (["8000多", "", "1000"], "化解后债务"),  # a lower bound needs the debt after
        (["400", "1000", ""], "化解后债务"),  # the debt grew
    ],
)
def test_debt_amounts_that_disagree_are_refused(
    store: Store, tmp_path: Path, cells: list[str], column: str
) -> None:
    rows = [DEBT_HEADER, ["甲公司", "工商银行", *cells, "核销", "2019-08-01"]]
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(
            store,
            csv_file(tmp_path / "债务.csv", rows),
            kind="debt",
            create_missing=True,
            region="禹城市",
        )
    assert [e.column for e in caught.value.errors] == [column]


# ====================================================================== bridge funds

DRAW_HEADER = ["资金名称", "企业名称", "使用金额（万元）", "使用日期", "归还日期", "业务编号"]


def test_draws_go_on_their_fund_and_a_later_ledger_repays_them(
    store: Store, tmp_path: Path
) -> None:
    first = [
        DRAW_HEADER,
        ["三航计划", "甲公司", "500", "2019-06-03", "2019-06-13", "GQ-1"],
        ["三航计划", "乙公司", "800", "2019-06-05", "", "GQ-2"],
        ["", "丙公司", "100", "2019-06-05", "", ""],  # no fund named: the default fund
    ]
    report = import_finance_ledger(
        store,
        csv_file(tmp_path / "a.csv", first),
        kind="bridge-funds",
        create_missing=True,
        region="禹城市",
    )
    assert report.new_records["funds"] == 2
    assert len(report.warnings) == 2  # each new fund's terms were defaulted
    funds = {f.name: f for f in store.bridge_funds.list()}
    assert set(funds) == {"三航计划", "过桥资金"}
    assert funds["三航计划"].pool_size == Money.parse("1300万元")  # the most out at once
    later = [
        DRAW_HEADER,
        ["三航计划", "乙公司", "800", "2019-06-05", "2019-06-20", "GQ-2"],  # now repaid
        ["三航计划", "甲公司", "300", "2019-07-01", "", "GQ-3"],
    ]
    report = import_finance_ledger(store, csv_file(tmp_path / "b.csv", later), kind="bridge-funds")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    fund = next(f for f in store.bridge_funds.list() if f.name == "三航计划")
    assert [d.repaid_on for d in fund.draws] == [
        dt.date(2019, 6, 13),
        dt.date(2019, 6, 20),
        None,
    ]


def test_a_draw_beyond_the_pool_is_refused_on_its_row_saying_so_plainly(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        [*DRAW_HEADER, "资金规模（万元）"],
        ["三航计划", "甲公司", "500", "2019-06-03", "", "GQ-1", "1000"],
        ["三航计划", "乙公司", "600", "2019-06-04", "", "GQ-2", "1000"],
    ]
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(
            store,
            csv_file(tmp_path / "a.csv", rows),
            kind="bridge-funds",
            create_missing=True,
            region="禹城市",
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "使用金额（万元）")]
    # and says so plainly, with the stated pool as an amount
    (error,) = caught.value.errors
    assert "超过资金规模 1000万元" in error.reason
    assert "Money(" not in error.reason


# ====================================================================== whitelists

LIST_HEADER = ["企业名称", "纳入或移出", "入库日期", "符合条件", "移出原因"]


def test_a_whitelist_takes_additions_and_removals(store: Store, tmp_path: Path) -> None:
    rows = [
        LIST_HEADER,
        ["甲公司", "纳入", "2019-04-15", "纳税信用A级、高新技术企业", ""],
        ["乙公司", "入库", "2019-04-15", "纳税信用A级", ""],
        ["丙公司", "", "2019-04-16", "", ""],  # 纳入 by default; no criteria given
        ["乙公司", "移出", "2019-10-08", "", "贷款逾期"],
    ]
    report = import_finance_ledger(
        store,
        csv_file(tmp_path / "a.csv", rows),
        kind="whitelist",
        create_missing=True,
        region="禹城市",
    )
    assert report.created == 4
    assert len(report.warnings) == 1  # 丙公司's criteria
    (listing,) = store.whitelists.list()
    assert listing.name == "优质小微企业名单库"
    assert [c.code for c in listing.criteria] == ["纳税信用A级", "高新技术企业", "台账列入"]
    assert len(listing.members(dt.date(2019, 5, 1))) == 3
    assert len(listing.members(dt.date(2019, 10, 8))) == 2
    assert [e.change for e in listing.events][-1] is WhitelistChange.REMOVE


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        (["丁公司", "移出", "2019-10-08", "", "已注销"], "纳入或移出"),  # never listed
        (["甲公司", "移出", "2019-10-08", "", ""], "移出原因"),  # no reason
        (["甲公司", "调整", "2019-10-08", "", ""], "纳入或移出"),
    ],
)
def test_a_whitelist_change_the_rules_refuse(
    store: Store, tmp_path: Path, bad: list[str], column: str
) -> None:
    rows = [LIST_HEADER, ["甲公司", "纳入", "2019-04-15", "纳税信用A级", ""], bad]
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(
            store,
            csv_file(tmp_path / "a.csv", rows),
            kind="whitelist",
            create_missing=True,
            region="禹城市",
        )
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, column)]


# ====================================================================== the file and the API


def test_the_kind_must_be_one_of_the_four(store: Store, tmp_path: Path) -> None:
    file = csv_file(tmp_path / "a.csv", [RENEWAL_HEADER])
    with pytest.raises(ValidationError, match="kind"):
        import_finance_ledger(store, file, kind="loans")
    assert set(FINANCE_KINDS) == set(FINANCE_COLUMNS)


def test_a_file_without_a_finance_header_says_what_it_expected(
    store: Store, tmp_path: Path
) -> None:
    file = csv_file(tmp_path / "a.csv", [["什么", "都不是"], ["1", "2"]])
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(store, file, kind="renewals")
    assert "贷款银行" in caught.value.errors[0].reason


def test_export_writes_amounts_in_wan_and_english_headers(store: Store, tmp_path: Path) -> None:
    rows = [RENEWAL_HEADER, renewal_row(1, **{"续贷金额（万元）": "1200.5"})]
    import_finance_ledger(
        store,
        csv_file(tmp_path / "a.csv", rows),
        kind="renewals",
        create_missing=True,
        region="禹城市",
    )
    target = tmp_path / "out.csv"
    assert export_finance_ledger(store, target, kind="renewals", english=True) == 1
    with target.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = csv.DictReader(stream)
    assert row["Amount (万元)"] == "1200.5"
    assert list(row) == list(finance_headers("renewals", english=True).values())
    before = dt.datetime(2019, 10, 7, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert export_finance_ledger(store, target, kind="renewals", as_of=before) == 0


def test_ten_thousand_malformed_finance_rows_leave_the_file_as_it_was(
    tmp_path: Path, dump: Callable[[Path], tuple[str, str]]
) -> None:
    path = tmp_path / "office.db"
    with open_store(f"sqlite:///{path}") as opened:
        first = csv_file(tmp_path / "first.csv", [RENEWAL_HEADER, renewal_row(1)])
        import_finance_ledger(opened, first, kind="renewals", create_missing=True, region="禹城市")
    before = dump(path)
    defects: list[tuple[str, dict[str, str]]] = [
        ("续贷日期", {"续贷日期": "2019-02-30"}),
        ("续贷金额（万元）", {"续贷金额（万元）": "很多"}),
        ("年利率", {"年利率": "高"}),
        ("期限", {"期限": "-3"}),
        ("贷款银行", {"贷款银行": "=HYPERLINK(1)"}),
    ]
    rng = random.Random(3)
    rows: list[list[str]] = [RENEWAL_HEADER]
    expected = {}
    for number in range(10_000):
        column, change = defects[number % len(defects)]
        made = renewal_row(number, **change)
        made[1] = f"禹城市新{rng.randrange(10**6)}号有限公司"  # each would be created
        rows.append(made)
        expected[number + 2] = column
    file = csv_file(tmp_path / "续贷.csv", rows)
    with open_store(f"sqlite:///{path}") as opened, pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(opened, file, kind="renewals", create_missing=True)
    assert {e.row: e.column for e in caught.value.errors} == expected
    assert dump(path) == before


# ====================================================================== next month's ledger


def test_a_banks_row_numbers_are_not_renewal_ids(store: Store, tmp_path: Path) -> None:
    header = ["编号", *RENEWAL_HEADER[1:]]
    october = [header, ["1", *renewal_row(1)[1:]], ["2", *renewal_row(2)[1:]]]
    november = [
        header,
        ["1", *renewal_row(3, 续贷日期="2019-11-04")[1:]],
        ["2", *renewal_row(4, 借款人="禹城市新客户有限公司", 续贷日期="2019-11-05")[1:]],
    ]
    for name, rows in (("10月.csv", october), ("11月.csv", november)):
        import_finance_ledger(
            store,
            csv_file(tmp_path / name, rows),
            kind="renewals",
            create_missing=True,
            region="禹城市",
        )
    assert store.loan_renewals.count() == 4


def test_a_corrected_amount_updates_the_renewal(store: Store, tmp_path: Path) -> None:
    first = [RENEWAL_HEADER, renewal_row(1), renewal_row(2)]
    import_finance_ledger(
        store,
        csv_file(tmp_path / "a.csv", first),
        kind="renewals",
        create_missing=True,
        region="禹城市",
    )
    corrected = [RENEWAL_HEADER, renewal_row(1, **{"续贷金额（万元）": "550"}), renewal_row(2)]
    report = import_finance_ledger(store, csv_file(tmp_path / "b.csv", corrected), kind="renewals")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    amounts = sorted(str(r.new_amount) for r in store.loan_renewals.list())
    assert amounts == ["500万元", "550万元"]


def test_an_id_of_another_borrowers_renewal_is_refused(store: Store, tmp_path: Path) -> None:
    header = ["续贷编号", *RENEWAL_HEADER[1:]]
    rows = [header, ["lr-1", *renewal_row(1)[1:]]]
    import_finance_ledger(
        store,
        csv_file(tmp_path / "a.csv", rows),
        kind="renewals",
        create_missing=True,
        region="禹城市",
    )
    other = [header, ["lr-1", *renewal_row(2)[1:]]]  # another borrower under the same id
    with pytest.raises(LedgerImportError) as caught:
        import_finance_ledger(
            store,
            csv_file(tmp_path / "b.csv", other),
            kind="renewals",
            create_missing=True,
            region="禹城市",
        )
    assert [(e.column, "另一家企业" in e.reason) for e in caught.value.errors] == [
        ("续贷编号", True)
    ]


def test_a_fund_without_its_pool_in_the_ledger_grows_with_its_draws(
    store: Store, tmp_path: Path
) -> None:
    june = [DRAW_HEADER, ["三航计划", "甲公司", "500", "2019-06-03", "", "GQ-1"]]
    import_finance_ledger(
        store,
        csv_file(tmp_path / "6月.csv", june),
        kind="bridge-funds",
        create_missing=True,
        region="禹城市",
    )
    july = [DRAW_HEADER, ["三航计划", "乙公司", "2000", "2019-07-01", "", "GQ-2"]]
    report = import_finance_ledger(
        store,
        csv_file(tmp_path / "7月.csv", july),
        kind="bridge-funds",
        create_missing=True,
        region="禹城市",
    )
    assert report.created == 1
    assert "2500万元" in report.warnings[0].reason
    (fund,) = store.bridge_funds.list()
    assert str(fund.pool_size) == "2500万元"


def test_export_writes_the_town_and_its_county(store: Store, tmp_path: Path) -> None:
    header = [*RENEWAL_HEADER, "所属镇街"]
    rows = [header, [*renewal_row(1), "伦镇"]]
    import_finance_ledger(
        store,
        csv_file(tmp_path / "a.csv", rows),
        kind="renewals",
        create_missing=True,
        region="禹城市",
    )
    target = tmp_path / "out.csv"
    export_finance_ledger(store, target, kind="renewals")
    with target.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = csv.DictReader(stream)
    assert (row["所属县市区"], row["所属镇街"]) == ("禹城市", "伦镇")
