"""Word lists for the synthetic county: surnames, given-name characters, place-name syllables.

The county (清河县) is fictional. It sits in 南宁市, a city of the lodging-cap table in
docs/regulations.md §1 (财行〔2016〕71号: 广西 南宁市 800/470/350), so the travel rules have a real
row to check demo vouchers against. Names mix common national surnames with the 韦/覃/蒙/莫/蓝
of the Zhuang areas around Nanning.
"""

COUNTY = ("清河县", "Qinghe County")
CITY = "南宁市"

# (surname, weight): roughly the national frequency order, with regional Guangxi surnames.
SURNAMES = [
    ("王", 10), ("李", 10), ("张", 9), ("刘", 8), ("陈", 8), ("杨", 6), ("黄", 9), ("赵", 4), ("吴", 4), ("周", 4),
    ("徐", 3), ("孙", 3), ("马", 3), ("朱", 3), ("胡", 3), ("郭", 2), ("何", 3), ("高", 2), ("林", 3), ("罗", 3),
    ("郑", 2), ("梁", 4), ("谢", 2), ("宋", 2), ("唐", 2), ("许", 2), ("韩", 1), ("冯", 1), ("邓", 2), ("曹", 1),
    ("彭", 1), ("曾", 2), ("肖", 1), ("田", 1), ("董", 1), ("潘", 2), ("袁", 1), ("蔡", 1), ("蒋", 1), ("余", 1),
    ("韦", 6), ("覃", 4), ("蒙", 2), ("莫", 2), ("蓝", 2), ("黎", 2), ("廖", 2), ("卢", 2), ("农", 1), ("陆", 2),
]

GIVEN_MALE = list("伟强军建国明华志平勇斌杰峰海涛超刚辉文武德福贵成林山松荣兴宏亮俊鹏飞宇春东")
GIVEN_FEMALE = list("秀英华芳娟敏静丽艳玲霞燕红梅兰凤萍慧琳婷雪莉云珍桂翠春月美")

# (Chinese, English) — 镇 is a town, 乡 a township in English names.
TOWNSHIPS = [
    ("城关镇", "Chengguan Town"), ("龙泉镇", "Longquan Town"), ("白沙镇", "Baisha Town"), ("大塘镇", "Datang Town"),
    ("古城镇", "Gucheng Town"), ("河口镇", "Hekou Town"), ("青山镇", "Qingshan Town"), ("马头镇", "Matou Town"),
    ("新圩镇", "Xinxu Town"), ("柳溪乡", "Liuxi Township"), ("长岭乡", "Changling Township"),
    ("黄岭乡", "Huangling Township"), ("双龙乡", "Shuanglong Township"), ("平安乡", "Ping'an Township"),
    ("三江镇", "Sanjiang Town"), ("六合镇", "Liuhe Town"), ("凤凰镇", "Fenghuang Town"), ("太平镇", "Taiping Town"),
    ("永安乡", "Yong'an Township"), ("东山乡", "Dongshan Township"), ("西岭乡", "Xiling Township"),
    ("南坪乡", "Nanping Township"), ("北渡镇", "Beidu Town"), ("金鸡乡", "Jinji Township"),
]

# The first five are the ones the demo logins need, so even the smallest demo has them.
DEPARTMENTS = [
    ("县纪委监委", "County Commission for Discipline Inspection and Supervision"),
    ("县委办公室", "General Office of the County Party Committee"),
    ("县审计局", "County Audit Bureau"),
    ("县农业农村局", "County Bureau of Agriculture and Rural Affairs"),
    ("县财政局", "County Finance Bureau"),
    ("县政府办公室", "General Office of the County Government"),
    ("县委组织部", "Organisation Department of the County Party Committee"),
    ("县民政局", "County Civil Affairs Bureau"),
    ("县自然资源局", "County Natural Resources Bureau"),
    ("县住房和城乡建设局", "County Housing and Urban-Rural Development Bureau"),
    ("县交通运输局", "County Transport Bureau"),
    ("县水利局", "County Water Resources Bureau"),
    ("县教育局", "County Education Bureau"),
    ("县卫生健康局", "County Health Bureau"),
    ("县人力资源和社会保障局", "County Human Resources and Social Security Bureau"),
    ("县市场监督管理局", "County Market Regulation Bureau"),
    ("县应急管理局", "County Emergency Management Bureau"),
    ("县林业局", "County Forestry Bureau"),
]
COMMISSION, GENERAL_OFFICE, AUDIT_BUREAU, AGRICULTURE_BUREAU = 0, 1, 2, 3

# Village names are prefix + suffix + 村 ("王家庄村", "石桥村", "柳树沟村").
VILLAGE_PREFIXES = [
    ("王家", "Wangjia"), ("李家", "Lijia"), ("张家", "Zhangjia"), ("刘家", "Liujia"), ("陈家", "Chenjia"),
    ("黄家", "Huangjia"), ("韦家", "Weijia"), ("梁家", "Liangjia"), ("石", "Shi"), ("柳树", "Liushu"),
    ("杨柳", "Yangliu"), ("新", "Xin"), ("大", "Da"), ("小", "Xiao"), ("上", "Shang"), ("下", "Xia"),
    ("东", "Dong"), ("西", "Xi"), ("南", "Nan"), ("北", "Bei"), ("白", "Bai"), ("青", "Qing"), ("红", "Hong"),
    ("龙", "Long"), ("凤", "Feng"), ("桃", "Tao"), ("梅", "Mei"), ("松", "Song"), ("竹", "Zhu"), ("古", "Gu"),
    ("长", "Chang"), ("平", "Ping"), ("安", "An"), ("金", "Jin"), ("水", "Shui"), ("三", "San"), ("双", "Shuang"),
    ("那", "Na"), ("板", "Ban"), ("高", "Gao"), ("马", "Ma"), ("罗", "Luo"), ("荷", "He"), ("枫", "Feng"),
]
VILLAGE_SUFFIXES = [
    ("庄", "zhuang"), ("桥", "qiao"), ("沟", "gou"), ("坪", "ping"), ("塘", "tang"), ("岭", "ling"), ("湾", "wan"),
    ("坡", "po"), ("冲", "chong"), ("寨", "zhai"), ("屯", "tun"), ("山", "shan"), ("江", "jiang"), ("河", "he"),
    ("口", "kou"), ("头", "tou"), ("田", "tian"), ("垌", "dong"), ("坝", "ba"), ("圩", "xu"),
]

GROUP_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

# A fictional administrative-division code (GB/T 2260 has no 450199) for synthetic identity numbers.
AREA_CODE = "450199"
PHONE_PREFIXES = ["130", "132", "135", "136", "138", "139", "150", "152", "158", "177", "180", "187", "189"]
