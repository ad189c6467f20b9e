"""Headers and vocabularies an import file may use, in Chinese or English.

Counties keep these registers in Excel with their own wording, so every column has several
aliases and every coded value (level, post, relation, gender, party) accepts the Chinese words in
common use as well as the code itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation

from cleangov.orgs.choices import (
    PersonGenderChoices,
    PersonPartyChoices,
    PostTypeChoices,
    RelationKindChoices,
    UnitLevelChoices,
)

UNITS, PEOPLE, POSTS, RELATIONS = "units", "people", "posts", "relations"
KINDS = (UNITS, PEOPLE, POSTS, RELATIONS)


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    required: bool = False
    type: str = "text"  # text | code | date | level | gender | party | post_type | relation | identity


COLUMNS: dict[str, tuple[Column, ...]] = {
    UNITS: (
        Column("code", ("单位代码", "单位编码", "单位编号", "代码", "code", "unit code", "unit_code"), True, "code"),
        Column("name", ("单位名称", "名称", "单位", "name", "unit name", "unit_name", "name_zh"), True),
        Column("name_en", ("英文名称", "英文名", "name_en", "english name", "name (english)")),
        Column("level", ("层级", "级别", "单位层级", "单位级别", "类型", "level"), True, "level"),
        Column("parent_code", ("上级单位代码", "上级代码", "上级单位编码", "上级单位", "parent_code", "parent code",
                               "parent"), False, "code"),
        Column("city", ("所在城市", "城市", "所在地", "所在市", "city", "city/region")),
        Column("active_from", ("启用日期", "成立日期", "启用", "active_from", "active from", "start"), False, "date"),
        Column("active_to", ("停用日期", "撤销日期", "停用", "active_to", "active to", "end"), False, "date"),
    ),
    PEOPLE: (
        Column("code", ("人员编号", "人员代码", "编号", "code", "person code", "person_code"), True, "code"),
        Column("name", ("姓名", "name"), True),
        Column("identity_number", ("身份证号", "身份证号码", "公民身份号码", "身份证", "identity_number",
                                   "identity number", "id number", "id_number"), False, "identity"),
        Column("gender", ("性别", "gender", "sex"), False, "gender"),
        Column("party", ("政治面貌", "党派", "party", "party membership"), False, "party"),
        Column("local_grade", ("职级", "级别", "职务级别", "local_grade", "local grade", "grade"), False),
        Column("phone", ("联系电话", "电话", "手机", "手机号", "phone", "telephone", "mobile")),
        Column("home_unit_code", ("所属单位代码", "所属单位", "单位代码", "home_unit_code", "home unit code",
                                  "home unit", "unit_code"), False, "code"),
    ),
    POSTS: (
        Column("person_code", ("人员编号", "人员代码", "person_code", "person code", "person"), True, "code"),
        Column("unit_code", ("单位代码", "任职单位代码", "单位编码", "unit_code", "unit code", "unit"), True, "code"),
        Column("post_type", ("职务", "岗位", "post_type", "post type", "post"), True, "post_type"),
        Column("start_date", ("任职开始", "任职开始日期", "开始日期", "任职日期", "开始", "起", "start_date",
                              "start date", "start"), True, "date"),
        Column("end_date", ("任职结束", "任职结束日期", "结束日期", "离任日期", "免职日期", "结束", "止", "end_date",
                            "end date", "end"), False, "date"),
    ),
    RELATIONS: (
        Column("person_code", ("人员编号", "人员代码", "person_code", "person code", "person"), True, "code"),
        Column("relative_code", ("关系人编号", "关系人代码", "亲属编号", "relative_code", "relative code", "relative"),
               True, "code"),
        Column("kind", ("关系", "关系类型", "亲属关系", "kind", "relation"), True, "relation"),
    ),
}

# Sheet and file names that say which kind a table holds.
KIND_NAMES: dict[str, tuple[str, ...]] = {
    UNITS: ("单位", "组织", "units", "unit", "orgs"),
    PEOPLE: ("人员", "人员名册", "people", "persons", "person"),
    POSTS: ("任职", "职务", "任职情况", "posts", "post"),
    RELATIONS: ("亲属关系", "关系", "亲属", "社会关系", "relations", "relation", "relatives"),
}

_STRIP = re.compile(r"[\s*＊:：_\-()（）\[\]【】]")


def normalise_header(text: str) -> str:
    """"*单位代码（必填）" and "Unit Code" compare equal to their aliases."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[（(]\s*(必填|选填|required|optional)\s*[)）]", "", text)
    return _STRIP.sub("", text)


def header_index(kind: str) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for alias in (column.field, *column.aliases):
            index.setdefault(normalise_header(alias), column)
    return index


def kind_from_name(name: str) -> str | None:
    """The kind a sheet or file name announces ("人员.csv", "Units", "2024任职情况"), if any."""
    norm = normalise_header(name.rsplit(".", 1)[0] if "." in name else name)
    # Longest names first so "亲属关系" wins over "关系" and "任职情况" over "职务".
    candidates = sorted(((alias, kind) for kind, names in KIND_NAMES.items() for alias in names),
                        key=lambda item: -len(item[0]))
    for alias, kind in candidates:
        if norm == normalise_header(alias):
            return kind
    for alias, kind in candidates:
        if normalise_header(alias) in norm:
            return kind
    return None


def _labels(choices) -> dict[str, str]:
    """Code → code, and the English and (when the catalog has it) Chinese labels → code."""
    out: dict[str, str] = {}
    for value, label in choices.choices:
        out[normalise_header(value)] = value
        with translation.override("en"):
            out.setdefault(normalise_header(str(label)), value)
        with translation.override("zh-hans"):
            out.setdefault(normalise_header(str(label)), value)
    return out


_LEVEL_WORDS = {
    UnitLevelChoices.COUNTY: ("县", "县级", "县区", "县(市、区)", "区县"),
    UnitLevelChoices.TOWNSHIP: ("乡镇", "乡", "镇", "街道", "乡镇街道", "乡镇(街道)"),
    UnitLevelChoices.DEPARTMENT: ("县直部门", "县直单位", "部门", "县直", "县直机关"),
    UnitLevelChoices.VILLAGE: ("村", "村委会", "行政村", "社区", "村(社区)"),
    UnitLevelChoices.GROUP: ("村民小组", "小组", "组", "自然村", "屯"),
}

_GENDER_WORDS = {
    PersonGenderChoices.MALE: ("男", "m", "男性"),
    PersonGenderChoices.FEMALE: ("女", "f", "女性"),
}

_PARTY_WORDS = {
    PersonPartyChoices.MEMBER: ("中共党员", "党员", "中国共产党党员", "cpc member"),
    PersonPartyChoices.PROBATIONARY: ("中共预备党员", "预备党员", "probationary"),
    # Everyone not in the CPC is "none" for the platform's purposes (no branch-meeting duties).
    PersonPartyChoices.NONE: ("群众", "无", "共青团员", "团员", "民主党派", "无党派", "无党派人士", "non-member",
                              "masses"),
}

_POST_WORDS = {
    PostTypeChoices.COUNTY_PARTY_SECRETARY: ("县委书记",),
    PostTypeChoices.COUNTY_HEAD: ("县长",),
    PostTypeChoices.COMMISSION_SECRETARY: ("县纪委书记", "县纪委监委书记", "纪委书记监委主任", "县纪委书记、监委主任"),
    PostTypeChoices.COMMISSION_STAFF: ("纪委监委工作人员", "县纪委工作人员", "纪检监察干部", "县纪委监委干部"),
    PostTypeChoices.PARTY_SECRETARY: ("乡镇党委书记", "党委书记", "镇党委书记", "乡党委书记"),
    PostTypeChoices.TOWNSHIP_HEAD: ("乡镇长", "镇长", "乡长"),
    PostTypeChoices.DEPUTY: ("副职", "副镇长", "副乡长", "党委副书记", "副书记", "党委委员", "班子成员",
                             "人大主席", "武装部长", "组织委员", "宣传委员"),
    PostTypeChoices.DISCIPLINE_SECRETARY: ("纪委书记", "乡镇纪委书记", "纪检书记", "镇纪委书记", "乡纪委书记"),
    PostTypeChoices.DISCIPLINE_STAFF: ("纪检干部", "纪委委员", "纪检专干", "纪检监察员"),
    PostTypeChoices.LIAISON_CADRE: ("包村干部", "驻村干部", "包村领导"),
    PostTypeChoices.DEPARTMENT_HEAD: ("局长", "主任", "部门负责人", "部门主要负责人", "部长"),
    PostTypeChoices.DEPARTMENT_STAFF: ("工作人员", "科员", "干部", "部门工作人员"),
    PostTypeChoices.ACCOUNTANT: ("会计", "报账员", "代理会计", "出纳", "记账员"),
    PostTypeChoices.VILLAGE_PARTY_SECRETARY: ("村党支部书记", "村党组织书记", "支部书记", "村支书", "村党委书记"),
    PostTypeChoices.COMMITTEE_DIRECTOR: ("村委会主任", "村民委员会主任", "村主任"),
    PostTypeChoices.COMMITTEE_MEMBER: ("村委委员", "村委会委员", "村民委员会委员", "两委委员"),
    PostTypeChoices.SUPERVISION_CHAIR: ("村务监督委员会主任", "监委会主任", "村监委主任"),
    PostTypeChoices.SUPERVISION_MEMBER: ("村务监督委员会委员", "监委会委员", "村监委委员", "村务监督委员会成员"),
    PostTypeChoices.VILLAGER_REPRESENTATIVE: ("村民代表",),
    PostTypeChoices.GROUP_LEADER: ("村民小组长", "组长", "小组长"),
}

_RELATION_WORDS = {
    RelationKindChoices.SPOUSE: ("配偶", "夫妻", "丈夫", "妻子", "夫", "妻"),
    RelationKindChoices.PARENT: ("父母", "父亲", "母亲", "父", "母"),
    RelationKindChoices.CHILD: ("子女", "儿子", "女儿", "子", "女"),
    RelationKindChoices.SIBLING: ("兄弟姐妹", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄妹", "姐弟"),
    RelationKindChoices.IN_LAW: ("姻亲", "岳父母", "公婆", "儿媳", "女婿", "连襟", "姑嫂", "妯娌"),
    RelationKindChoices.BUSINESS_PARTNER: ("生意伙伴", "合伙人", "商业伙伴", "合作伙伴", "business partner"),
}


def _vocabulary(choices, words: dict) -> dict[str, str]:
    out = _labels(choices)
    for value, aliases in words.items():
        for alias in aliases:
            out[normalise_header(alias)] = str(value)
    return out


_VOCABULARIES: dict[str, tuple] = {
    "level": (UnitLevelChoices, _LEVEL_WORDS),
    "gender": (PersonGenderChoices, _GENDER_WORDS),
    "party": (PersonPartyChoices, _PARTY_WORDS),
    "post_type": (PostTypeChoices, _POST_WORDS),
    "relation": (RelationKindChoices, _RELATION_WORDS),
}


@functools.cache
def _vocabulary_for(vocabulary: str) -> dict[str, str]:
    choices, words = _VOCABULARIES[vocabulary]
    return _vocabulary(choices, words)


def lookup(vocabulary: str, text: str) -> str | None:
    """The code for a word of the vocabulary, or None when it is not known."""
    return _vocabulary_for(vocabulary).get(normalise_header(text))
