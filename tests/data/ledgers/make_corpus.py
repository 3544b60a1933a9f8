"""Write the office-ledger corpus: eight ledgers laid out the way different offices keep them.

Run from the repository root to rebuild the files beside this script
(``python tests/data/ledgers/make_corpus.py``); the tests read the files, not
this script, so that they stay what an office would hand over. Everything is
made from fixed patterns, so a rebuild writes the same cells (xlsx files
differ only in their timestamps).

Each ledger carries its own totals row (合计), as offices' ledgers do; the
tests check the figures an import gives against it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from openpyxl.styles import Alignment, Font

from jinjiecu.domain.codes import credit_code_check_character

if TYPE_CHECKING:
    from collections.abc import Sequence

HERE = Path(__file__).parent
AS_OF = dt.date(2019, 11, 13)
"""The day the problem ledgers report as of (填报日期)."""


def code(region: str, number: int) -> str:
    """A valid unified social credit code of an enterprise registered in ``region``."""
    first17 = f"91{region}{number:09d}"
    return first17 + credit_code_check_character(first17)


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def date_cell(day: dt.date, style: int) -> object:
    """A date five ways clerks write them: 年月日, dots, slashes, a date cell, a serial."""
    return [
        zh_date(day),
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        day,
        excel_serial(day),
    ][style % 5]


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def title_sheet(sheet: Any, title: str, width: int, row: int = 1) -> None:
    sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=16)
    sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def put_row(sheet: Any, row: int, values: Sequence[object], *, dates: bool = True) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if dates and isinstance(value, dt.date):
            cell.number_format = "yyyy/m/d"


# ====================================================================== 1. county, xlsx

LELING_TOWNS = (
    "市中街道",
    "胡家街道",
    "云红街道",
    "郭家街道",
    "杨安镇",
    "朱集镇",
    "黄夹镇",
    "丁坞镇",
    "花园镇",
    "郑店镇",
    "化楼镇",
    "孔镇",
)
LELING_WORDS = (
    "机械",
    "食品",
    "调味品",
    "五金",
    "体育器材",
    "纺织",
    "化工",
    "新材料",
    "木业",
    "包装",
    "农业科技",
    "建材",
    "电子",
    "玻璃钢",
    "钢结构",
    "服饰",
)
LELING_LEADERS = ("王建国", "李明", "张晓红", "刘志强", "陈立新", "杨光", "赵卫东", "孙丽")
# The category as the county writes it, and the department it goes to.
LELING_CATEGORIES = (
    ("用地", "乐陵市自然资源局"),
    ("环保", "德州市生态环境局乐陵分局"),
    ("用工", "乐陵市人力资源和社会保障局"),
    ("融资", "乐陵市金融服务中心"),
    ("审批", "乐陵市行政审批服务局"),
    ("政策", "乐陵市发展和改革局"),
    ("水电气暖", "乐陵市供电公司"),
    ("生产经营", "乐陵市工业和信息化局"),
    ("项目建设", "乐陵市住房和城乡建设局"),
    ("规划", "乐陵市自然资源局"),
)
LELING_PROBLEMS = {
    "用地": "新上生产线需用地{n}亩，土地指标未落实",
    "环保": "环评手续办理进度慢，影响{n}号车间投产",
    "用工": "缺少熟练技术工人约{n}名",
    "融资": "流动资金紧张，需贷款{n}00万元",
    "审批": "消防验收手续办理遇阻（第{n}批）",
    "政策": "技改奖补资金{n}0万元尚未兑现",
    "水电气暖": "厂区需增容变压器{n}台",
    "生产经营": "原材料价格上涨，订单下降{n}成",
    "项目建设": "二期厂房建设需协调施工许可（{n}号楼）",
    "规划": "厂区规划调整需审批（地块{n}）",
}


def leling_enterprise(index: int) -> tuple[str, str | None, str, str]:
    """The enterprise of a row: its name, credit code (a third give one), town and leader."""
    number = index % 48
    word = LELING_WORDS[number % len(LELING_WORDS)]
    name = f"乐陵市{'恒泰金鼎宏盛华丰顺达'[number % 10]}{'源昌信德'[number // 12]}{word}有限公司"
    if number == 7:
        name = "山东乐陵（集团）食品有限公司"
    credit = code("371481", 1000 + number) if number % 3 == 0 else None
    return name, credit, LELING_TOWNS[number % len(LELING_TOWNS)], LELING_LEADERS[number % 8]


def leling_state(index: int) -> str:
    if index % 11 == 0:
        return "已完成"
    if index % 11 == 5:
        return "已向企业解释"
    if index % 17 == 3:
        return "已办结"
    return "办理中"


def county_problems() -> dict[str, int]:
    """乐陵市: merged title, 填报单位 row, header on row 3, 154 problems, 合计 and notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "问题台账"
    headers = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "所属镇街",
        "问题类型",
        "问题描述",
        "提报时间",
        "责任单位",
        "配合单位",
        "包联领导",
        "办理时限",
        "办理情况",
        "解决时间",
        "备注",
    ]
    title_sheet(sheet, "乐陵市“进企业、解难题、促发展”活动企业问题工作台账", len(headers))
    sheet.cell(row=2, column=1, value="填报单位：乐陵市进解促工作专班（盖章）")
    sheet.cell(row=2, column=11, value=f"填报日期：{zh_date(AS_OF)}")
    put_row(sheet, 3, headers)
    states: Counter[str] = Counter()
    overdue = 0
    for index in range(154):
        name, credit, town, leader = leling_enterprise(index)
        if index % 9 == 4:  # clerks type stray and full-width spaces, and () for （）
            name = f" {name[:3]}\u3000{name[3:]} "
        if "（集团）" in name and index % 2:
            name = name.replace("（", "(").replace("）", ")")
        category, department = LELING_CATEGORIES[index % len(LELING_CATEGORIES)]
        registered = dt.date(2019, 9, 2) + dt.timedelta(days=(index * 7) % 60)
        deadline = registered + dt.timedelta(days=30 + index % 20)
        state = leling_state(index)
        states[state] += 1
        settled = registered + dt.timedelta(days=8 + index % 5) if state != "办理中" else None
        if state == "办理中" and deadline < AS_OF:
            overdue += 1
        co = "乐陵市发展和改革局、乐陵市财政局" if index % 6 == 1 else None
        if co is not None and department == "乐陵市发展和改革局":
            co = "乐陵市财政局"
        deadline_cell: object = (
            f"{zh_date(deadline)}前" if index % 4 == 0 else date_cell(deadline, index)
        )
        put_row(
            sheet,
            4 + index,
            [
                index + 1,
                name,
                credit,
                town,
                category,
                LELING_PROBLEMS[category].format(n=index % 9 + 1),
                date_cell(registered, index),
                department,
                co,
                leader,
                deadline_cell,
                state,
                None if settled is None else date_cell(settled, index + 2),
                "市级督办" if index % 13 == 0 else None,
            ],
        )
    last = 4 + 154
    summary = "、".join(f"{state}{count}个" for state, count in sorted(states.items()))
    put_row(
        sheet,
        last,
        ["合计", "154个问题", None, None, None, None, None, None, None, None, None, summary],
    )
    sheet.cell(
        row=last + 2, column=1, value="注：办理情况填写 办理中、已完成、已向企业解释、已办结。"
    )
    sheet.cell(row=last + 3, column=1, value="填表人：刘晓东    联系电话：0534-6211234")
    book.save(HERE / "county-problems.xlsx")
    return {**states, "overdue": overdue}


# ====================================================================== 2. city summary, GBK CSV

CITY_COUNTIES = (("德城区", 12), ("陵城区", 9), ("禹城市", 15), ("武城县", 8))
CITY_STATES = ("正在协调", "已解决", "已解释说明", "未解决", "正在协调", "已解决", "不予受理")
CITY_CATEGORIES = ("土地问题", "资金问题", "手续办理", "用工难", "基础设施", "市场销售")


def city_problems() -> dict[str, int]:
    """德州市: a GBK CSV of the counties' problems, each county with its 小计, then 总计."""
    rows: list[list[object]] = [
        ["德州市“进企业、解难题、促发展”活动问题汇总表"],
        ["填报单位：德州市进解促活动办公室", "", "", "", "", "", "", "", ""],
        [
            "序号",
            "县市区",
            "企业名称",
            "问题类别",
            "问题内容",
            "反映时间",
            "承办单位",
            "目前状态",
            "完成时间",
        ],
    ]
    states: Counter[str] = Counter()
    number = 0
    for county, count in CITY_COUNTIES:
        county_states: Counter[str] = Counter()
        for index in range(count):
            number += 1
            state = CITY_STATES[(number + index) % len(CITY_STATES)]
            states[state] += 1
            county_states[state] += 1
            registered = dt.date(2019, 9, 16) + dt.timedelta(days=number % 40)
            settled = registered + dt.timedelta(days=12)
            written = f"{registered:%Y-%m-%d}" if number % 2 else f"{registered:%Y/%m/%d}"
            rows.append(
                [
                    number,
                    county,
                    f"{county[:2]}{'鑫源华通宏达'[index % 6]}{'科技实业商贸'[index % 6]}有限公司",
                    CITY_CATEGORIES[number % len(CITY_CATEGORIES)],
                    f"企业反映问题第{number}项，需协调解决",
                    written,
                    f"{county}{('发改局', '财政局', '自然资源局', '人社局')[number % 4]}",
                    state,
                    f"{settled:%Y-%m-%d}" if state in ("已解决", "已解释说明") else "",
                ]
            )
        rows.append(["", f"{county}小计", f"{count}个", "", "", "", "", "", ""])
    rows.append(["总计", "", f"{number}个", "", "", "", "", "", ""])
    write_csv(HERE / "city-problems-gbk.csv", rows, "gbk")
    return dict(states)


# ====================================================================== 3. development zone

DEVZONE_STATES = ("in progress", "Resolved", "explained", "In Progress", "resolved")
DEVZONE_CATEGORIES = ("Financing", "land use", "Approval procedures", "infrastructure", "Other")


def devzone_problems() -> dict[str, object]:
    """德州经开区: UTF-8 with a BOM, English headers, amounts in 万元, no title."""
    rows: list[list[object]] = [
        [
            "No.",
            "Enterprise",
            "Credit code",
            "Category",
            "Description",
            "Registered on",
            "Lead department",
            "Deadline",
            "State",
            "Settled on",
            "Amount (万元)",
        ]
    ]
    states: Counter[str] = Counter()
    amount = Decimal(0)
    for index in range(10):
        state = DEVZONE_STATES[index % len(DEVZONE_STATES)]
        states[state.lower()] += 1
        registered = dt.date(2019, 10, 8) + dt.timedelta(days=index * 2)
        money = Decimal(150 * (index + 1)) + Decimal("0.5") * (index % 2)
        amount += money
        rows.append(
            [
                index + 1,
                (
                    f"Dezhou {('Sunrise', 'Harbor', 'Jade', 'Summit', 'Lotus')[index % 5]} "
                    f"{('Bearings', 'Textiles')[index // 5]} Co., Ltd."
                ),
                code("371400", 2000 + index),
                DEVZONE_CATEGORIES[index % len(DEVZONE_CATEGORIES)],
                f"The enterprise needs help with item {index + 1}.",
                f"{registered:%Y-%m-%d}",
                ("Investment Promotion Bureau", "Finance Office", "Planning Office")[index % 3],
                f"{registered + dt.timedelta(days=40):%Y-%m-%d}",
                state,
                f"{registered + dt.timedelta(days=9):%Y-%m-%d}"
                if state.lower() in ("resolved", "explained")
                else "",
                str(money),
            ]
        )
    write_csv(HERE / "devzone-problems-en.csv", rows, "utf-8-sig")
    return {**states, "amount_wan": amount}


# ====================================================================== 4. towns of a county, xlsx

YUCHENG_TOWNS = ("市中街道", "伦镇", "房寺镇", "张庄镇", "辛店镇", "安仁镇")
YUCHENG_STATES = ("推进中", "已解决", "已解释说明", "推进中", "推进中")


def town_problems() -> dict[str, int]:
    """禹城市 towns: two blank rows over the header, Excel serial dates, a 办理情况 of free text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    headers = [
        "序号",
        "所属镇街",
        "企业名称",
        "问题类别",
        "具体问题",
        "登记时间",
        "联系领导",
        "牵头单位",
        "时限要求",
        "目前状态",
        "办理情况",
        "完成时间",
    ]
    put_row(sheet, 3, headers)
    states: Counter[str] = Counter()
    for index in range(20):
        state = YUCHENG_STATES[index % len(YUCHENG_STATES)]
        states[state] += 1
        registered = dt.date(2019, 10, 14) + dt.timedelta(days=index)
        put_row(
            sheet,
            4 + index,
            [
                index + 1,
                YUCHENG_TOWNS[index % len(YUCHENG_TOWNS)],
                f"禹城市{'福瑞康汇鲁晶保龄'[index % 8]}生物科技有限公司",
                ("用工", "融资", "用地", "环保")[index % 4],
                f"企业反映第{index + 1}个问题",
                excel_serial(registered) if index % 2 else registered,
                ("高峰", "周宁")[index % 2],
                ("禹城市人社局", "禹城市金融服务中心", "禹城市自然资源局", "禹城市生态环境分局")[
                    index % 4
                ],
                registered + dt.timedelta(days=25),
                state,
                "已约谈企业，正在协调相关部门" if state == "推进中" else "已办理完毕",
                registered + dt.timedelta(days=6) if state != "推进中" else None,
            ],
        )
    book.save(HERE / "town-problems.xlsx")
    return dict(states)


# ====================================================================== 5. renewals, GBK CSV


def yucheng_firm(number: int) -> tuple[str, str]:
    """The name and credit code of one of 禹城市's enterprises (the first six borrow most)."""
    if number < 6:
        name = f"禹城市{'金鼎华瑞恒源'[number]}{'食品纺织机械'[number]}有限公司"
    else:
        name = (
            f"禹城市{'新星宏达瑞丰永盛'[number % 4 * 2 : number % 4 * 2 + 2]}{number}电子有限公司"
        )
    return name, code("371482", 3000 + number)


BANKS = (
    "中国工商银行禹城支行",
    "禹城农商银行",
    "中国建设银行禹城支行",
    "中国邮政储蓄银行禹城市支行",
)


def renewals() -> dict[str, object]:
    """A 无还本续贷 list: GBK, 单位：万元 above the header, terms and rates as typed."""
    rows: list[list[object]] = [
        ["禹城市无还本续贷业务统计表"],
        ["填报单位：禹城市地方金融监督管理局", "", "", "", "", "", "", "单位：万元"],
        [
            "序号",
            "借款人",
            "统一社会信用代码",
            "贷款银行",
            "原贷款金额",
            "原贷款到期日",
            "续贷日期",
            "续贷金额",
            "续贷期限",
            "执行利率",
        ],
    ]
    amount = Decimal(0)
    count = 30
    for index in range(count):
        renewed = dt.date(2019, 3, 4) + dt.timedelta(days=index * 6)
        maturity = renewed + dt.timedelta(days=index % 4)
        new = Decimal(100 * (index % 7 + 1)) + Decimal("0.5") * (index % 3)
        amount += new
        rows.append(
            [
                index + 1,
                *yucheng_firm(index % 6),
                BANKS[index % len(BANKS)],
                str(new + (10 if index % 5 == 0 else 0)),
                zh_date(maturity),
                zh_date(renewed) if index % 2 else f"{renewed.year}.{renewed.month}.{renewed.day}",
                str(new),
                ("12个月", "1年", "24")[index % 3],
                ("4.35%", "5.22", "0.0435")[index % 3],
            ]
        )
    rows.append(["合计", "", "", "", "", "", "", str(amount), "", ""])
    write_csv(HERE / "renewals-gbk.csv", rows, "gbk")
    return {"count": count, "amount_wan": amount}


# ====================================================================== 6. bridge fund, xlsx


def bridge_funds() -> dict[str, object]:
    """A bridge fund's draws: a merged title, 单位：万元 on row 2, date cells, blanks for unpaid."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "过桥资金"
    headers = [
        "序号",
        "资金名称",
        "企业名称",
        "使用金额",
        "使用日期",
        "归还日期",
        "对接银行",
        "业务编号",
    ]
    title_sheet(sheet, "禹城市“三航计划”过桥资金使用台账", len(headers))
    sheet.cell(row=2, column=7, value="单位：万元")
    put_row(sheet, 3, headers)
    amount = Decimal(0)
    count = 20
    for index in range(count):
        drawn = dt.date(2019, 6, 3) + dt.timedelta(days=index * 7)
        money = Decimal(200 + 50 * (index % 9))
        amount += money
        repaid = drawn + dt.timedelta(days=10 + index % 5) if index < 16 else None
        put_row(
            sheet,
            4 + index,
            [
                index + 1,
                "禹城市“三航计划”过桥资金",
                yucheng_firm(index % 6)[0],
                int(money),
                drawn,
                repaid,
                BANKS[index % len(BANKS)],
                f"GQ2019-{index + 1:03d}",
            ],
        )
    put_row(sheet, 4 + count, ["合计", None, None, int(amount)])
    book.save(HERE / "bridge-funds.xlsx")
    return {"count": count, "amount_wan": amount}


# ====================================================================== 7. debt, GB18030 CSV

DEBT_METHODS = ("打包处置", "债务重组", "展期", "核销", "和解")


def debts() -> dict[str, object]:
    """Debts: GB18030 (a name GBK cannot write), 单位：万元, 8000多, two of three amounts."""
    rows: list[list[object]] = [
        ["禹城市企业债务化解台账", "", "", "", "", "", "", "", "单位：万元"],
        [
            "序号",
            "企业名称",
            "债权银行",
            "债务总额",
            "化解后剩余债务",
            "化解金额",
            "化解方式",
            "化解时间",
            "备注",
        ],
    ]
    resolved_total = Decimal(0)
    approximate = False
    count = 12
    for index in range(count):
        before = Decimal(1000 * (index % 5 + 2))
        after = Decimal(300 * (index % 4))
        resolved = before - after
        before_cell: object = str(before)
        after_cell: object = str(after)
        resolved_cell: object = str(resolved)
        if index % 3 == 1:
            after_cell = ""  # 化解后 from 债务总额 minus 化解金额
        elif index % 3 == 2:
            resolved_cell = ""
        if index == 5:
            before_cell, resolved_cell = f"{before}多", ""
            approximate = True
        resolved_total += resolved
        name = (
            "禹城市㮾丰食品有限公司"
            if index == 0
            else f"禹城市{'宏图鸿运'[index % 4]}化工有限公司{index}"
        )
        rows.append(
            [
                index + 1,
                name,
                "、".join(BANKS[: index % 3 + 1]),
                before_cell,
                after_cell,
                resolved_cell,
                DEBT_METHODS[index % len(DEBT_METHODS)],
                zh_date(dt.date(2019, 8, 1) + dt.timedelta(days=index * 9)),
                "市级协调" if index % 4 == 0 else "",
            ]
        )
    rows.append(["合计", "", "", "", "", str(resolved_total), "", "", ""])
    write_csv(HERE / "debt-gb18030.csv", rows, "gb18030")
    return {"count": count, "resolved_wan": resolved_total, "approximate": approximate}


# ====================================================================== 8. whitelist, UTF-8 CSV

CRITERIA = ("纳税信用A级", "连续经营3年以上", "无不良信用记录", "高新技术企业")


def whitelist() -> dict[str, int]:
    """A whitelist's changes: UTF-8 without a BOM, 纳入 and 移出 with the criteria as typed."""
    rows: list[list[object]] = [
        [
            "名单名称",
            "企业名称",
            "统一社会信用代码",
            "纳入或移出",
            "入库日期",
            "符合条件",
            "移出原因",
        ]
    ]
    added = removed = 0
    for index in range(25):
        name, credit = yucheng_firm(index)
        rows.append(
            [
                "禹城市优质小微企业名单库",
                name,
                credit if index % 4 else "",
                "纳入",
                zh_date(dt.date(2019, 4, 15) + dt.timedelta(days=index // 5 * 30)),
                "、".join(CRITERIA[: index % 4 + 1]),
                "",
            ]
        )
        added += 1
    for index in (3, 7, 20):
        rows.append(
            [
                "禹城市优质小微企业名单库",
                yucheng_firm(index)[0],
                "",
                "移出",
                zh_date(dt.date(2019, 10, 8)),
                "",
                "出现贷款逾期",
            ]
        )
        removed += 1
    write_csv(HERE / "whitelist-utf8.csv", rows, "utf-8")
    return {"added": added, "removed": removed}


def main() -> None:
    for make in (
        county_problems,
        city_problems,
        devzone_problems,
        town_problems,
        renewals,
        bridge_funds,
        debts,
        whitelist,
    ):
        print(make.__name__, make())


if __name__ == "__main__":
    main()
