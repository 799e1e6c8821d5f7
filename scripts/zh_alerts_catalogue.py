"""Write the Chinese catalogue of the alert pages (src/homeward/web/locales/zh/LC_MESSAGES/
alerts.po), merged with messages.po by web/i18n.py. Reviewed like scripts/zh_catalogue.py."""

from zh_catalogue import write_catalogue  # scripts/ is on the path when run as a script

ZH = {
    "Address": "地址", "Alert": "寻人警报", "Alerts near you": "您附近的寻人警报",
    "Attempts": "尝试次数", "Channel": "渠道", "Channels": "接收渠道",
    "City (from the gazetteer)": "城市（从地名库选择）", "Close": "关闭",
    "Close the alert": "关闭警报", "Delivery": "送达情况", "Details": "详情",
    "E-mail (optional)": "电子邮箱（可选）", "Expired: no longer widening": "已过期：不再扩大范围",
    "Expires after (hours)": "有效期（小时）", "Geo-alert": "地理定向寻人警报",
    "How to tell you": "通知方式", "I saw this child": "我见过这个孩子",
    "In Homeward (your page of alerts)": "在“回家”内（您的警报页面）",
    "Language of messages": "消息语言", "Last error": "最近错误",
    "Latitude (empty: the report's place)": "纬度（留空：使用报案地点）",
    "Longitude (empty: the report's place)": "经度（留空：使用报案地点）",
    "Latitude (from a map)": "纬度（从地图读取）", "Longitude (from a map)": "经度（从地图读取）",
    "Or click your place on the map:": "或在地图上点击您所在的位置：",
    "Map of China: click to set latitude and longitude": "中国地图：点击以设定纬度和经度",
    "Messages": "消息",
    "Name of your station, organisation or app (optional)": "车站、机构或应用名称（可选）",
    "Next attempt": "下次尝试", "Place last seen": "最后出现地点",
    "Publish a geo-alert": "发布地理定向寻人警报", "Radius now": "当前半径",
    "Radius schedule, hours:km (empty: 0:100, 1:200, 2:300, 3:500)":
        "半径时间表，小时:公里（留空：0:100, 1:200, 2:300, 3:500）",
    "Schedule": "时间表", "Send update": "发送更新",
    "Signing secret (HMAC-SHA256 over timestamp.body)": "签名密钥（对 timestamp.body 做 HMAC-SHA256）",
    "Stop all alerts to you?": "停止向您发送所有警报？", "Subscribe": "订阅",
    "Subscriber": "订阅者", "Text (Chinese, at most 360 characters)": "中文文本（最多360个字符）",
    "Text (English, at most 360 characters)": "英文文本（最多360个字符）",
    "The child of this alert has been found. Thank you for looking.": "本条警报中的孩子已经找到。感谢您的关注。",
    "The child was found (those who got the alert are told; the public sees only that the child was found)":
        "孩子已找到（收到警报的人会得到通知；公众只看到孩子已找到）",
    "The last alert is closed": "上一条警报已关闭", "This alert has been withdrawn.": "本条警报已撤回。",
    "Time last seen": "最后出现时间", "Unsubscribe": "退订",
    "Update with new information": "发布新信息", "Version": "版本", "Versions": "版本",
    "Webhook URL for partner apps (optional)": "合作应用的 Webhook 地址（可选）",
    "When a child goes missing near your place, you are told at once; the area widens each hour. No account is needed, and every message has a link to unsubscribe.":
        "您附近有孩子走失时，您会立即收到通知；范围每小时扩大。无需注册账号，每条消息都带有退订链接。",
    "Who are you?": "您的身份", "Withdrawn": "已撤回",
    "You are subscribed. Keep the address of this page: it is your page of alerts, and no one else has it.":
        "订阅成功。请保存本页地址：这是您专属的警报页面。",
    "You are unsubscribed.": "您已退订。", "You are unsubscribed. You will get no more alerts.": "您已退订，不会再收到警报。",
    "Your alerts": "您的警报", "Your place": "您的地点", "Your places": "您的地点",
    "Your sighting went to the police of this case as an urgent tip.": "您的目击线索已作为紧急线索交给本案警方。",
    "no longer widening": "不再扩大范围", "— or give coordinates below —": "— 或在下面填写坐标 —",
    # statuses, channels, kinds and outcomes set in Python
    "pending": "待发送", "sending": "发送中", "sent": "已送达", "failed": "失败待重试",
    "dead": "已放弃", "cancelled": "已取消", "email": "电子邮件", "webhook": "Webhook",
    "inbox": "站内消息", "public": "公众", "volunteer": "志愿者", "transport": "交通站点工作人员",
    "partner": "合作应用", "alert": "警报", "update": "更新", "found": "已找到",
    "withdrawn": "已撤回",
}


def main() -> None:
    write_catalogue(ZH, "alerts.po")


if __name__ == "__main__":
    main()
