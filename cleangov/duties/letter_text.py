"""The fixed wording of the letter of responsibility (党风廉政建设责任书).

The wording is part of the signed content and enters its hash, so it is data in the official
language of the document, not an interface string: translating it would change what was signed.
Clauses follow 中发〔2010〕19号 (Arts. 5–7) and 问责条例 (2019).
"""

TITLE = "党风廉政建设责任书"

PREAMBLE = (
    "为深入推进党风廉政建设和反腐败工作，全面落实党风廉政建设责任制，根据《关于实行党风廉政建设责任制的规定》"
    "（中发〔2010〕19号）和县委年度党风廉政建设工作要点，坚持“谁主管、谁负责”“一级抓一级、层层抓落实”，"
    "双方签订本责任书。"
)

CLAUSES = [
    "责任人履行“一岗双责”，对分管范围内的党风廉政建设负主要领导责任，做到与业务工作一起部署、一起落实、一起检查、一起考核。",
    "责任人按本责任书所列责任清单的时限完成各项任务，并在平台上如实记录进展和佐证材料。",
    "责任人严格遵守中央八项规定及其实施细则精神，带头廉洁自律，管好亲属和身边工作人员。",
    "履行责任情况纳入年中检查和年终考核，考核结果作为业绩评定、奖励惩处、选拔任用的重要依据；"
    "失职失责的，依照《中国共产党问责条例》追究责任。",
    "本责任书自双方签署之日起生效，有效期至当年12月31日；责任书内容如有变更，须形成新版本并由双方重新签署。",
]
