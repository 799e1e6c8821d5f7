"""Write the Chinese gettext catalogue (src/homeward/web/locales/zh/LC_MESSAGES/messages.po).

The translations live here as a table reviewed by a Chinese speaker; tests check that
every string the templates and views translate has an entry.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ZH = {
    "Action": "操作", "Active": "启用", "Add or change a user": "新增或修改用户",
    "Add photo": "添加照片", "Age when missing": "走失时年龄", "Alert": "寻人启事",
    "Alleles": "等位基因", "Already gave DNA": "已采血的亲属", "Audit log": "审计日志",
    "Bring missing children home": "帮助走失儿童回家", "Case": "案件", "Case number": "案件编号",
    "Cases": "案件", "Chain broken": "审计链已损坏", "Chain intact": "审计链完整",
    "Chain of custody": "保管链", "Check second sample": "核对第二份样本", "Child": "儿童",
    "Child name, e.g. 张小宝 or Zhang Xiaobao": "儿童姓名，如 张小宝 或 Zhang Xiaobao",
    "Child's name": "孩子姓名", "Children": "儿童人数", "Children in care": "受照料儿童",
    "Children registered": "登记儿童", "Choose a password (10 characters or more)": "设置密码（至少10个字符）",
    "Choose a user name": "设置用户名", "City": "城市", "Collected": "采集日期",
    "Collected by": "采集人", "Confirm": "确认", "Consent document": "同意书",
    "Consent given by": "同意人",
    "Counts under 5 are not shown exactly, so that no child can be identified.": "少于5的数字不精确显示，以免识别出具体儿童。",
    "DNA sample": "DNA样本", "Dashboard": "工作台", "Date last seen": "最后见到日期",
    "Date of birth": "出生日期", "Decided by": "决定人", "Description": "描述",
    "Donor (FC-number of a found child, or relative:ID)": "采样对象（被寻获儿童编号FC-…，或 relative:编号）",
    "Estimated birth": "估计出生日期", "Event": "事件", "Exclusions": "排除位点",
    "Filter": "筛选", "Found": "寻获", "Found child": "被寻获儿童", "From": "自",
    "Give DNA:": "采血：", "Home": "首页", "Homeward": "回家",
    "Homeward brings missing children home. Every view of a child's record is logged.": "“回家”帮助走失儿童回家。每次查看儿童档案都会被记录。",
    "If a child is in danger right now, call 110 first.": "如果孩子正处于危险中，请先拨打110。",
    "If you have seen this child, send a tip. Do not approach anyone yourself.": "如果您见过这个孩子，请提供线索。请不要自行接近任何人。",
    "Institution": "机构", "Jurisdiction": "辖区",
    "Jurisdiction (province code or national)": "辖区（省级代码或 national）",
    "Kind": "类型", "Laboratory": "实验室", "Last seen": "最后见到", "Loaded by": "录入人",
    "Loci": "位点", "Loci typed": "已检测位点", "Locus": "位点",
    "Long (sample,locus,allele1,allele2), wide or GeneMapper CSV. One bad row refuses the whole file.": "长格式（sample,locus,allele1,allele2）、宽格式或 GeneMapper CSV。任何一行有误，整个文件都不会导入。",
    "Marked urgent.": "已标记为紧急。", "Match": "比对", "Match candidates": "候选比中",
    "Match confirmed.": "比中已确认。", "Match review": "比中审核", "Missing children": "走失儿童",
    "Missing children by province": "各省走失儿童", "Month": "月份", "My case": "我的案件",
    "Name": "姓名", "Next": "下一页", "No candidates yet.": "暂无候选比中。", "No cases.": "没有案件。",
    "No children placed here.": "本机构没有安置儿童。", "No new tips.": "没有新线索。",
    "No published alerts.": "没有已发布的寻人启事。", "No tips linked.": "没有关联线索。",
    "None.": "无。", "Not possible": "无法完成", "Note": "备注", "Nothing to review.": "没有待审核的比中。",
    "Operations": "专项行动",
    "Parents, police, laboratories and care staff work in one place. Rescued children are compared with parents' DNA across every province.": "父母、警方、实验室和照料人员在同一平台协作。被解救儿童与全国各省父母的DNA进行比对。",
    "Password": "密码", "Phone or address": "电话或地址", "Placed since": "安置日期",
    "Placements": "安置记录", "Previous": "上一页", "Profile": "分型", "Profile upload": "上传分型",
    "Province": "省份", "Provinces": "涉及省份", "Publish alert": "发布寻人启事",
    "Re-run search": "重新比对", "Reason": "理由", "Received": "收到时间", "Recent alerts": "最新寻人启事",
    "Recent profiles": "最近的分型", "Record": "记录", "Record a visit": "记录探访",
    "Register": "登记", "Register a missing child": "登记走失儿童", "Register sample": "登记样本",
    "Reject": "否定", "Relationship": "关系", "Relatives": "亲属",
    "Report the disappearance to the police (110) first. Then register here so that your child is compared with every child found or rescued in China.": "请先向警方（110）报案，然后在这里登记，您的孩子将与全国所有被寻获或解救的儿童进行比对。",
    "Reported by": "报案人", "Rescued children in your jurisdiction": "您辖区内被解救的儿童", "Role": "角色",
    "Sample intake": "样本接收", "Samples waiting for typing": "待检测样本", "Save": "保存",
    "Search": "搜索", "Search by name": "按姓名搜索", "Second sample specimen id": "第二份样本编号",
    "Send": "发送", "Send a tip": "提供线索", "Sex": "性别", "Side": "类别", "Sign in": "登录",
    "Sign out": "退出", "Specimen id": "样本编号", "Started": "开始", "State": "状态",
    "Statistics": "统计", "Status": "状态", "Test": "检验", "Thank you": "谢谢",
    "The child": "孩子", "This account has no case.": "此账户没有案件。", "Timeline": "时间线",
    "Tip": "线索", "Tip queue": "线索队列", "Tips": "线索", "To": "至", "Upload": "上传",
    "User name": "用户名", "Users": "用户", "Verify the chain": "校验审计链",
    "What did you see?": "您看到了什么？", "When": "时间", "When?": "什么时间？", "Where": "地点",
    "Where?": "在哪里？", "Who": "人员", "Who could still give DNA": "还可以采血的亲属",
    "Withdraw public alert": "撤回寻人启事", "You": "您", "You are the child's": "您是孩子的",
    "Your child is registered. Police will verify the report and may publish an alert.": "您的孩子已登记。警方核实后可能发布寻人启事。",
    "Your contact (optional)": "您的联系方式（选填）", "Your name": "您的姓名",
    "Your tip was received and goes to the investigators.": "您的线索已收到，将转交办案人员。",
    "all": "全部", "children missing": "名儿童走失", "children reunited": "名儿童已团圆",
    "combined LR": "综合似然比", "events checked": "条记录已校验", "exclusions": "排除位点",
    "father": "父亲", "female": "女", "found children waiting for their families": "名被寻获儿童等待家人",
    "loci compared": "比较位点", "male": "男", "mother": "母亲",
    "new match candidates for review.": "个新的候选比中待审核。", "none": "无", "not yet": "尚无",
    "not yet typed": "尚未检测", "posterior at prior": "后验概率，先验", "published": "已发布",
    "relationship tested": "检验的关系", "results": "条结果", "second sample": "第二份样本",
    "suspect": "嫌疑人", "typed": "已检测", "urgent": "紧急", "years old when missing": "岁时走失",
    "the mother and father should both give a blood sample, free of charge, at any county or city public security bureau with a DNA collection point. Bring your identity card and your case number. If a parent cannot, a brother or sister of the child can.": "父母双方都应到任何设有DNA采血点的县、市公安机关免费采血，请携带身份证和案件编号。如果父母无法采血，孩子的兄弟姐妹也可以。",
    # roles, states and words set in Python
    "administrator": "管理员", "police": "警察", "lab_analyst": "实验室分析员", "reviewer": "审核专家",
    "care_staff": "照料人员", "family": "家属", "volunteer": "志愿者", "unknown": "不详",
    "open": "寻找中", "lead": "有线索", "match_candidate": "有候选比中", "confirmed": "已确认",
    "reunited": "已团圆", "closed": "已结案", "registered": "已登记", "in_care": "受照料",
    "matched": "已比中", "long_term_care": "长期照料", "adoption_eligible": "可收养",
    "candidate": "候选", "second_sample_confirmed": "第二份样本已核对", "reviewed": "已审核确认",
    "welfare_review": "儿童福利审查", "family_notified": "已通知家属", "rejected": "已否定",
    "child": "儿童", "relative": "亲属", "other parent": "另一位父/母",
    "full-sibling": "兄弟姐妹", "both parents": "父母双方", "a full sibling": "孩子的亲兄弟姐妹",
    "Wrong user name or password.": "用户名或密码错误。",
    "open cases": "未结案件", "children in care": "受照料儿童", "urgent tips": "紧急线索",
    "days since last dna search": "距上次DNA比对天数", "candidates to review": "待审核比中",
    "profiles": "分型数量", "active users": "启用用户", "audit events": "审计记录",
    "We are searching.": "我们正在寻找。",
    "Leads": "线索研判", "Notifications": "通知", "Message": "内容", "Mark read": "标为已读",
    "Proposed links": "待确认的关联",
    "Each link is a suggestion from a tip, a post or an article. Accept it only after checking the evidence.": "每条关联都是根据线索、微博或报道自动提出的建议。请核实依据后再确认。",
    "Score": "得分", "Evidence": "依据", "Decision": "决定", "Accept": "采纳",
    "Incidents reported in the press": "媒体报道的案件", "Date": "日期", "Suspects": "嫌疑人",
    "Places": "地点", "Sources": "来源", "Conflicts": "数据不一致", "Operation": "行动",
    "post": "微博", "tip": "群众线索", "photo": "照片",
    "Photo (optional; its location data is removed)": "照片（可选；位置信息会被删除）", "incident": "案件报道", "Bundled": "合并的重复线索",
    "held": "暂缓（疑似刷屏）", "Held for review (many tips from one sender)": "待人工查看（同一来源大量提交）",
    "Police in the province where your child went missing hold your case. Every new DNA profile of a found child is compared with your family's DNA.": "孩子走失地的警方负责您的案件。每一个新寻获儿童的DNA分型都会与您家人的DNA比对。",
    "Investigators are following a lead.": "办案人员正在核查线索。",
    "Police are checking information about your child. They will contact you.": "警方正在核实有关您孩子的信息，会与您联系。",
    "A possible DNA match is being checked.": "正在核查一个可能的DNA比中。",
    "A laboratory takes a second, independent sample and an expert reviews the result. This takes some days; nothing is certain yet.": "实验室会采集第二份独立样本，并由专家审核结果。这需要几天时间，目前尚无定论。",
    "DNA from two independent samples shows that a found child is your child. Police will contact you to arrange the reunion.": "两份独立样本的DNA表明，一名被寻获的儿童是您的孩子。警方将与您联系安排团圆。",
    "Reunited.": "已团圆。", "Your child is home. A social worker will visit you.": "孩子已经回家。社工会来探访您。",
    "Case closed.": "案件已结。", "Contact the police if you have any new information.": "如有新的信息，请联系警方。",
    "Blood samples are taken free of charge at any county or city public security bureau (police station with a DNA collection point). Bring your identity card and your case number.": "任何设有DNA采血点的县、市公安机关均可免费采血。请携带身份证和案件编号。",
}


def write_catalogue(messages: dict[str, str], name: str) -> None:
    """Write ``messages`` (English -> Chinese) as the catalogue ``name`` (e.g. alerts.po)
    that web/i18n.py merges with messages.po."""
    catalog = Catalog(locale="zh", project="Homeward", version="0.1", charset="utf-8")
    for msgid, msgstr in sorted(messages.items()):
        catalog.add(msgid, msgstr)
    path = Path(__file__).resolve().parents[1] / "src/homeward/web/locales/zh/LC_MESSAGES" / name
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    print(f"wrote {len(messages)} messages to {path}")


def main() -> None:
    write_catalogue(ZH, "messages.po")


if __name__ == "__main__":
    main()
