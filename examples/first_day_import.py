"""A county office's first day: its own ledgers go into a new store, and the figures match.

乐陵市's problem ledger and a bank's list of 无还本续贷 renewals are written
here the way the office keeps them: CSV saved by Excel in GBK, a title row, a
填报单位 row, the county's own words for headers, categories and states,
dates typed several ways, amounts in 万元, a 合计 row at the bottom. The
script looks first (a dry run), imports both into a new SQLite store
(``first_day.db``), creating the enterprises, departments, leaders, towns and
banks they name, and checks the figures against the ledgers' 合计 rows.

Run it from any folder: ``python examples/first_day_import.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from jinjiecu import (
    at,
    finance_summary,
    import_finance_ledger,
    import_ledger,
    open_store,
    problem_summary,
)

PROBLEMS = [
    ["乐陵市“进企业、解难题、促发展”活动企业问题工作台账"],
    ["填报单位：乐陵市进解促工作专班", "", "", "", "", "", "", "", "", "", ""],
    ["序号", "企业名称", "所属镇街", "问题类型", "问题描述", "提报时间", "责任单位", "包联领导",
     "办理时限", "办理情况", "解决时间"],
    ["1", "乐陵市恒泰机械有限公司", "杨安镇", "用地", "新上生产线需用地30亩", "2019年9月2日",
     "乐陵市自然资源局", "王建国", "2019年10月15日前", "办理中", ""],
    ["2", "乐陵市金鼎调味品有限公司", "朱集镇", "环保", "环评手续办理进度慢", "2019.9.5",
     "德州市生态环境局乐陵分局", "李明", "2019/10/20", "已完成", "2019年9月20日"],
    ["3", " 乐陵市恒泰机械有限公司 ", "杨安镇", "用工", "缺少熟练技工约50名", "2019/09/10",
     "乐陵市人力资源和社会保障局", "王建国", "2019年11月30日前", "办理中", ""],
    ["4", "乐陵市宏盛体育器材有限公司", "杨安镇", "融资", "流动资金紧张，需贷款800万元",
     "20190912", "乐陵市金融服务中心", "李明", "2019年10月30日", "已向企业解释", "2019.9.25"],
    ["合计", "4个问题", "", "", "", "", "", "", "", "办理中2个、已完成1个、已解释1个", ""],
    ["注：办理情况填写 办理中、已完成、已向企业解释、已办结。"],
]  # fmt: skip
"""The problem ledger, as the county keeps it; its 合计 row says 4, 2, 1 and 1."""

RENEWALS = [
    ["乐陵市无还本续贷业务统计表"],
    ["填报单位：乐陵市地方金融监督管理局", "", "", "", "", "单位：万元"],
    ["序号", "借款人", "贷款银行", "续贷日期", "续贷金额", "执行利率"],
    ["1", "乐陵市恒泰机械有限公司", "乐陵农商银行", "2019年10月8日", "500", "4.35%"],
    ["2", "乐陵市金鼎调味品有限公司", "中国工商银行乐陵支行", "2019.10.21", "1200.5", "5.22"],
    ["合计", "", "", "", "1700.5", ""],
]
"""A bank's renewal list in 万元; its 合计 row says 1700.5."""


def write_gbk(path: Path, rows: list[list[str]]) -> Path:
    """Save rows as Excel does on a Chinese Windows: CSV in GBK."""
    with path.open("w", encoding="gbk", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def main() -> None:
    problems_file = write_gbk(Path("乐陵市问题台账.csv"), PROBLEMS)
    renewals_file = write_gbk(Path("续贷台账.csv"), RENEWALS)
    Path("first_day.db").unlink(missing_ok=True)
    with open_store("sqlite:///first_day.db") as store:
        trial = import_ledger(store, problems_file, create_missing=True, dry_run=True)
        print(
            f"试导入 dry run: {trial.rows} 行, 编码 {trial.encoding}, 表头在第{trial.header_row}行"
        )
        for column in trial.columns:
            print(f"  {column.header} → {column.field}  [{column.rule}]")
        for row in trial.skipped:
            print(f"  第{row.row}行: {row.reason}")
        print(f"  将新建 would create: {dict(trial.new_records)}; 错误 errors: {len(trial.errors)}")

        report = import_ledger(store, problems_file, create_missing=True)
        renewals = import_finance_ledger(store, renewals_file, kind="renewals", create_missing=True)
        print(f"已导入 imported: {report.created} 个问题, {renewals.created} 笔续贷")

        moment = at(dt.date(2019, 11, 13), 18)
        total = problem_summary(store, as_of=moment).total
        money = finance_summary(store, as_of=moment).total
        print(
            f"截至2019-11-13: 梳理问题{total.identified}个，正在办理{total.in_progress}个，"
            f"已解决{total.resolved}个，已解释{total.explained}个；"
            f"无还本续贷{money.loan_renewals}笔、{money.renewal_amount}"
        )
        figures = (total.identified, total.in_progress, total.resolved, total.explained)
        if figures != (4, 2, 1, 1) or str(money.renewal_amount) != "1700.5万元":
            message = "与台账合计行不一致 / the figures differ from the totals rows"
            raise SystemExit(message)
        print("与台账合计行一致 / matches the ledgers' totals rows")


if __name__ == "__main__":
    main()
