"""Chinese names used in the exported files (the rules' titles in the engine are English)."""

from __future__ import annotations

STATUS_ZH = {"open": "待审核", "escalated": "已提交县纪委", "confirmed": "已确认", "dismissed": "已排除（误报）"}
SEVERITY_ZH = {"block": "严重", "warn": "警告", "info": "提示"}
GROUP_ZH = {"travel": "差旅费", "vehicle": "公务用车费", "reception": "公务接待费", "other": "其他支出"}
CONFORMITY_ZH = {"close": "高度符合", "acceptable": "可接受的符合", "marginal": "勉强可接受", "nonconformity": "不符合"}

RULE_ZH = {
    "benford_nonconformity": "本福特首位数字不符",
    "bookkeeping_gap": "记账间隔过长",
    "cash_over_limit": "超限额现金支付",
    "condolence_over_standard": "慰问金超标准",
    "consecutive_invoice_numbers": "发票号码连号",
    "cross_year_invoice": "跨年度发票",
    "duplicate_invoice": "发票重复报销",
    "festival_benefit": "节日违规发放福利",
    "invoice_outside_trip": "发票日期不在出差期间",
    "iou_receipt": "白条入账",
    "late_booking": "延迟入账",
    "loan_not_repaid": "借款逾期未还",
    "local_transport_over_standard": "市内交通费超标准",
    "lodging_over_cap": "住宿费超标准",
    "major_matter_without_resolution": "重大事项无集体决议",
    "meal_allowance_over_standard": "伙食补助超标准",
    "meeting_over_cap": "会议费超标准",
    "meeting_too_long": "会期超过规定",
    "missing_signature": "缺少经办、证明或审批签字",
    "near_threshold_amounts": "金额贴近审批限额",
    "nights_exceed_trip": "住宿天数超过出差天数",
    "post_hoc_approval": "事后审批",
    "reception_annual_budget_exceeded": "接待费超年度预算",
    "reception_companions_excess": "陪餐人数超标",
    "reception_per_capita_over_cap": "接待人均费用超标准",
    "reception_same_city": "同城公务接待",
    "reception_without_letter": "无公函接待",
    "round_amounts": "整数金额比例过高",
    "self_approval": "本人审批本人报销",
    "split_payment": "拆分支付规避审批",
    "ticket_serial_date_inconsistent": "票据号码与日期不符",
    "training_over_cap": "培训费超标准",
    "travel_class_above_rank": "超职级乘坐交通工具",
    "vehicle_not_in_fleet": "非编制车辆费用",
    "vehicle_use_on_rest_day": "休息日使用公车",
    "village_reception": "村级公务接待",
    "voucher_number_gap": "凭证号不连续",
}


def rule_zh(rule: str) -> str:
    return RULE_ZH.get(rule, rule)
