"""The canonical voucher-line table: columns, types, Chinese header aliases and enum aliases.

Everything the readers need to turn a county's spreadsheet into one typed table lives here as data,
so the documentation (docs/engine.md) and the code cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | date | decimal | int | bool | enum
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: str | None = None  # name of the enum in ENUMS
    int_range: tuple[int, int] | None = None
    doc: str = ""


CATEGORIES: dict[str, tuple[str, ...]] = {
    "travel_lodging": ("住宿费", "差旅住宿费", "住宿"),
    "travel_meal": ("伙食补助费", "伙食补助", "差旅伙食补助费"),
    "travel_local_transport": ("市内交通费", "市内交通"),
    "travel_intercity": ("城市间交通费", "城市间交通", "交通费"),
    "reception": ("公务接待费", "接待费"),
    "vehicle_fuel": ("燃油费", "加油费", "油费"),
    "vehicle_repair": ("车辆维修费", "维修费", "修理费"),
    "vehicle_toll": ("过路过桥费", "通行费", "路桥费"),
    "vehicle_parking": ("停车费",),
    "vehicle_insurance": ("车辆保险费", "保险费"),
    "condolence": ("慰问金", "慰问费"),
    "allowance": ("津贴", "补贴", "津补贴"),
    "bonus": ("奖金",),
    "welfare": ("福利费", "福利"),
    "meeting": ("会议费",),
    "training": ("培训费",),
    "office": ("办公费",),
    "project": ("项目支出", "工程款", "项目"),
    "asset_disposal": ("资产处置", "资产处置费"),
    "land_compensation": ("土地补偿", "征地补偿费", "土地补偿费"),
    "subsidy_distribution": ("补贴发放", "补助发放"),
    "loan_out": ("借款", "个人借款", "借出"),
    "loan_repay": ("还款", "借款归还", "归还借款"),
    "other": ("其他",),
}

ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "category": CATEGORIES,
    "invoice_type": {
        "vat_special": ("增值税专用发票", "专票"),
        "vat_normal": ("增值税普通发票", "普票"),
        "e_invoice": ("电子发票", "数电票", "全电发票"),
        "fiscal_receipt": ("财政票据", "行政事业收费票据"),
        "train_ticket": ("火车票",),
        "bus_ticket": ("汽车票",),
        "flight_itinerary": ("行程单", "机票行程单", "航空运输电子客票行程单"),
        "taxi_receipt": ("出租车票",),
        "toll_receipt": ("通行费发票", "过路费票据"),
        "iou": ("白条", "借条", "欠条"),
        "receipt_other": ("收据", "其他票据"),
        "none": ("无", "无票"),
    },
    "person_rank": {
        "provincial": ("省级", "部级", "省部级"),
        "bureau": ("厅级", "司局级", "厅局级"),
        "other": ("其他", "其他人员", "处级及以下", "处级", "科级", "一般人员"),
    },
    "travel_mode": {
        "train": ("火车",),
        "high_speed_rail": ("高铁", "动车", "高铁动车"),
        "plane": ("飞机",),
        "ship": ("轮船", "船"),
        "bus": ("汽车", "长途汽车"),
        "other": ("其他",),
    },
    "travel_class": {
        "business": ("商务座",),
        "first": ("一等座",),
        "second": ("二等座",),
        "soft_sleeper": ("软卧",),
        "hard_sleeper": ("硬卧",),
        "soft_seat": ("软座",),
        "hard_seat": ("硬座",),
        "first_cabin": ("头等舱",),
        "business_cabin": ("公务舱", "商务舱"),
        "economy": ("经济舱",),
        "ship_first": ("一等舱",),
        "ship_second": ("二等舱",),
        "ship_third": ("三等舱",),
    },
    "payment_method": {
        "bank": ("银行转账", "转账", "银行"),
        "card": ("公务卡", "刷卡"),
        "cash": ("现金",),
    },
    "unit_level": {
        "county": ("县", "县级"),
        "township": ("乡镇", "乡", "镇"),
        "department": ("部门", "县直部门"),
        "village": ("村", "行政村", "村委会"),
        "group": ("组", "村民小组"),
    },
}

LINE_COLUMNS: tuple[Column, ...] = (
    Column("line_id", "text", True, ("行号", "明细号", "分录号", "明细ID")),
    Column("org_code", "text", True, ("单位代码", "单位编码", "单位")),
    Column("voucher_no", "text", True, ("凭证号", "凭证编号")),
    Column("voucher_date", "date", True, ("凭证日期", "记账日期")),
    Column("category", "enum", True, ("费用类别", "类别", "支出类别", "费用类型"), enum="category"),
    Column("amount", "decimal", True, ("金额", "金额（元）", "金额(元)")),
    Column("summary", "text", False, ("摘要",)),
    Column("payee", "text", False, ("收款人", "收款单位", "开票单位", "销售方")),
    Column("invoice_code", "text", False, ("发票代码",)),
    Column("invoice_no", "text", False, ("发票号码", "票号")),
    Column("invoice_date", "date", False, ("开票日期", "发票日期")),
    Column("invoice_type", "enum", False, ("票据类型", "发票类型"), enum="invoice_type"),
    Column("person_code", "text", False, ("人员编号", "报销人编号", "人员代码")),
    Column("person_rank", "enum", False, ("职级", "人员职级"), enum="person_rank"),
    Column("destination", "text", False, ("目的地", "出差地点", "出差地")),
    Column("trip_start", "date", False, ("出差开始日期", "出发日期")),
    Column("trip_end", "date", False, ("出差结束日期", "返回日期")),
    Column("nights", "int", False, ("住宿天数", "晚数", "住宿晚数"), int_range=(0, 100000)),
    Column("travel_mode", "enum", False, ("交通工具",), enum="travel_mode"),
    Column("travel_class", "enum", False, ("座位等级", "舱位等级", "席别"), enum="travel_class"),
    Column("handler", "text", False, ("经办人",)),
    Column("witness", "text", False, ("证明人", "验收人")),
    Column("approver", "text", False, ("审批人",)),
    Column("approval_date", "date", False, ("审批日期",)),
    Column("event_date", "date", False, ("事项日期", "发生日期", "活动日期")),
    Column("guests", "int", False, ("来宾人数", "接待对象人数", "来访人数"), int_range=(0, 1000000)),
    Column("hosts", "int", False, ("陪同人数", "陪餐人数"), int_range=(0, 1000000)),
    Column("guest_origin_city", "text", False, ("来宾所在城市", "来访单位所在城市", "来宾城市")),
    Column("official_letter", "text", False, ("公函", "公函编号")),
    Column("vehicle_plate", "text", False, ("车牌号", "车牌号码")),
    Column("emergency", "bool", False, ("应急", "是否应急", "紧急")),
    Column("attendees", "int", False, ("参会人数", "参训人数", "人数"), int_range=(0, 1000000)),
    Column("days", "int", False, ("天数", "会期", "培训天数"), int_range=(0, 100000)),
    Column("meeting_class", "int", False, ("会议类别",), int_range=(1, 4)),
    Column("training_class", "int", False, ("培训类别",), int_range=(1, 3)),
    Column("recipients", "int", False, ("慰问人数", "发放人数", "受益人数"), int_range=(0, 10000000)),
    Column("payment_method", "enum", False, ("支付方式", "结算方式"), enum="payment_method"),
    Column("resolution_ref", "text", False, ("决议编号", "决议文号", "会议决议")),
)

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("org_code", "text", True, ("单位代码", "单位编码")),
    Column("name", "text", False, ("单位名称", "名称")),
    Column("level", "enum", False, ("级别", "层级", "单位级别"), enum="unit_level"),
    Column("province", "text", False, ("省", "省份")),
    Column("city", "text", False, ("市", "城市", "所在城市")),
    Column("reception_budget", "decimal", False, ("接待费预算", "公务接待费预算")),
)

FLEET_COLUMNS: tuple[Column, ...] = (
    Column("org_code", "text", True, ("单位代码", "单位编码")),
    Column("plate", "text", True, ("车牌号", "车牌号码", "车牌")),
)


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = field(default=())
    # text columns whose values repeat (codes, people, enum values): held dictionary-encoded in memory
    repetitive: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


LINES = TableSchema("lines", LINE_COLUMNS, unique=("line_id",), repetitive=(
    "org_code", "category", "payee", "invoice_code", "invoice_type", "person_code", "person_rank", "destination",
    "travel_mode", "travel_class", "handler", "witness", "approver", "guest_origin_city", "vehicle_plate",
    "payment_method"))
UNITS = TableSchema("units", UNIT_COLUMNS, unique=("org_code",))
FLEET = TableSchema("fleet", FLEET_COLUMNS)


def header_key(text: str) -> str:
    """Normalise a header for matching: no BOM, no spaces, lower case, half-width brackets."""
    t = str(text).replace("\ufeff", "").strip().lower()
    t = t.replace("（", "(").replace("）", ")").replace(" ", "").replace("\u3000", "")
    return t


def header_map(schema: TableSchema) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in schema.columns:
        out[header_key(col.name)] = col.name
        for alias in col.aliases:
            out[header_key(alias)] = col.name
    return out


def enum_map(enum: str) -> dict[str, str]:
    """Every accepted spelling (lower case) → canonical value."""
    out: dict[str, str] = {}
    for value, aliases in ENUMS[enum].items():
        out[value.lower()] = value
        for alias in aliases:
            out[alias.lower()] = value
    return out
