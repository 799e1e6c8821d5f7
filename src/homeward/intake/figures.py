"""Figures stated in one sentence: counts, prices, routes, roles, ages and sex of children.

Patterns run on the number-normalised sentence (digits only), in English and Chinese. Each
count keeps the verb that gives it its meaning: "rescued 92 children" is a rescue, "92
children went missing" is not; "detained 301 suspects" is a detention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from homeward.intake.places import Unit, find_places
from homeward.intake.prices import Price, prices_of
from homeward.intake.sexes import sexes_in

COUNT_FIELDS = ("children_rescued", "women_rescued", "suspects_detained", "officers",
                "provinces_involved")

_Q = r"(?:more than |over |at least |nearly |almost |about |around |some |a total of |up to |" \
     r"another |a further |an estimated |roughly )?"
_N = rf"{_Q}(\d+)\+?"
# up to three describing words, never a number or another counted noun
_ADJ = r"(?:(?!(?:and|or|women|woman|suspects|people|children|of)\b|\d)" \
       r"[\w'-]+\s+){0,3}?"
_CHILD = r"(?:children|child|kids|infants|infant|babies|baby|boys|girls|minors|toddlers|" \
         r"newborns|youngsters)\b(?!\s+(?:trafficking|abduction|sex|labou?r|cases?|policy))"
_WOMAN = r"(?:women|woman|brides)"
_SUSPECT = r"(?:suspects|suspect|people|persons|members|traffickers|individuals|men|" \
           r"gang members|smugglers|offenders)"
_RESCUE = r"(?:rescued|rescuing|rescue|saved|saving|freed|freeing|recovered|recovering)"
_DETAIN = r"(?:detained|detaining|detain|arrested|arresting|arrest|apprehended|caught|" \
          r"captured|nabbed|rounded up|taken into custody|held|seized|seizing)"
_PASSIVE = r"(?:were|have been|had been|was|being|are|got)\s+(?:\w+\s+)?"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December", "Jan.", "Feb.", "Aug.", "Sept.",
           "Oct.", "Nov.", "Dec.")
# "on December 18 in nine provinces", "in December 2011 police ...": a day or a year
_NOT_AFTER_MONTH = "".join(rf"(?<!{re.escape(month)} )" for month in _MONTHS) + \
    r"(?<![-/.:]\d)(?<![-/.:])"  # nor the day of "2018-01-26", the minutes of "10:30"
# words between a number and what it counts, never another number
_FILLER = r"(?:(?!\d)[\w'-]+\s+)"

_EN: dict[str, list[re.Pattern[str]]] = {
    "children_rescued": [
        re.compile(rf"\b{_RESCUE}\s+(?:(?:of\s+)?\w+\s+)?{_N}\s+{_ADJ}{_CHILD}\b", re.I),
        # "Police rescued 41 of the infants in March"
        re.compile(rf"\b{_RESCUE}\s+{_N}\s+of\s+(?:the|these|those)\s+{_ADJ}{_CHILD}", re.I),
        re.compile(rf"\b{_N}\s+{_ADJ}{_CHILD}\s+(?:\w+\s+)?{_PASSIVE}{_RESCUE}\b", re.I),
        re.compile(rf"\b{_N}\s+{_ADJ}{_CHILD}\s+{_RESCUE}\b", re.I),
        re.compile(rf"\b{_RESCUE}\s+{_ADJ}{_CHILD}[^.;]{{0,40}}?\bnumbering\s+{_N}", re.I),
        re.compile(rf"\b{_RESCUE}\b[^.;]*?\b{_N}\s+{_ADJ}{_CHILD}", re.I),
        re.compile(rf"\b{_N}\s+{_ADJ}{_CHILD}\s+(?:who|that)\b[^.;]{{0,80}}?\b{_PASSIVE}{_RESCUE}",
                   re.I),
    ],
    "women_rescued": [
        re.compile(rf"\b{_RESCUE}\b[^.;]*?\b{_N}\s+{_ADJ}{_WOMAN}\b", re.I),
        re.compile(rf"\b{_N}\s+{_ADJ}{_WOMAN}\s+(?:\w+\s+)?{_PASSIVE}{_RESCUE}\b", re.I),
        re.compile(rf"\b{_N}\s+{_ADJ}{_WOMAN}\s+(?:who|that)\b[^.;]{{0,80}}?\b{_PASSIVE}{_RESCUE}",
                   re.I),
    ],
    "suspects_detained": [
        re.compile(rf"\b{_DETAIN}\s+(?:\w+\s+)?{_N}\s+{_ADJ}{_SUSPECT}\b", re.I),
        # "40 suspected members of which have been arrested"
        re.compile(rf"\b{_N}\s+{_ADJ}{_SUSPECT}\s+(?:of (?:which|whom)\s+|\w+\s+)?{_PASSIVE}"
                   rf"{_DETAIN}\b", re.I),
        re.compile(rf"\b{_N}\s+{_ADJ}{_SUSPECT}\s+{_DETAIN}\b", re.I),
        re.compile(rf"\b{_DETAIN}\b[^.;]{{0,60}}?\b{_N}\s+{_ADJ}suspects\b", re.I),
        re.compile(rf"\btak(?:e|es|ing|en)\s+{_N}\s+{_ADJ}{_SUSPECT}\s+into custody\b", re.I),
        # "broke up a 22-member gang": the members, held when the gang is broken up
        re.compile(r"\b(?:broke up|break up|breaking up|busted|smashed|dismantled|destroyed)\s+"
                   r"(?:an?|the)\s+(\d+)-member\s+(?:[\w-]+\s+)?(?:gang|ring|group|network)\b",
                   re.I),
    ],
    "officers": [
        # "In 2019 police ..." is a year, "call 110 police" a telephone number
        re.compile(rf"(?<!\bin )(?<!\bIn )(?<!since )(?<!call )(?<!dial ){_NOT_AFTER_MONTH}"
                   rf"\b{_N}\s+{_FILLER}{{0,2}}?(?:police officers|officers|policemen|"
                   rf"police personnel|police|personnel|investigators|agents)\b", re.I),
    ],
    "provinces_involved": [
        re.compile(rf"{_NOT_AFTER_MONTH}\b{_N}\s+{_FILLER}{{0,2}}?(?:provinces|"
                   rf"provincial-level regions|provincial regions|province-level regions)\b",
                   re.I),
        re.compile(r"\b(\d+)-province\b", re.I),
    ],
}
_ZQ = r"(?:共|共计|近|约|逾|超过|了|出|成功)*"
_ZARREST = r"(?:抓获|刑事拘留|刑拘|逮捕|抓捕|缉拿|拘留|拘捕|查获)"
_ZN = r"(\d+)(?:余|多)?"
_ZCHILD = r"(?:被拐(?:卖|骗)?的?)?(?:聋哑)?(?:儿童|婴儿|婴幼儿|孩子|小孩|男婴|女婴|幼童|" \
          r"未成年人|男孩|女孩|学生)"
# 解救 as a verb; "解救行动", "解救工作" name the operation or the work ("清查解救行动，...救助
# 流浪乞讨未成年人135名" counts children helped, none of them rescued from traffickers).
_ZRESCUE = r"(?:解救|救出)(?!行动|工作|任务|专项|活动|方案)"
# "13名被人贩子从四川凉山一带拐卖的婴儿被警方成功解救": a clause between the count and the noun
_ZCLAUSE = r"(?:[^，。；,\d]{0,24}?的)?"
_ZSUSPECT = r"(?:涉案|拐卖|涉拐)?(?:犯罪)?(?:嫌疑人|嫌犯|疑犯|人贩子|人贩|贩婴者|团伙成员|人员)"
_ZH: dict[str, list[re.Pattern[str]]] = {
    "children_rescued": [
        re.compile(rf"{_ZRESCUE}{_ZQ}{_ZCHILD}{_ZQ}{_ZN}(?:名|个|人)"),
        re.compile(rf"{_ZRESCUE}{_ZQ}{_ZN}(?:名|个)(?:被拐(?:卖|骗)?的?)?{_ZCHILD}"),
        re.compile(rf"{_ZN}名{_ZCLAUSE}{_ZCHILD}(?:被|获|得到)[^，。；,\d]{{0,6}}?解救"),
        re.compile(rf"{_ZRESCUE}[^。；]*?(?<!妇女){_ZCHILD}{_ZQ}{_ZN}(?:名|个|人)"),
    ],
    "women_rescued": [
        re.compile(rf"{_ZRESCUE}[^。；]*?(?:被拐(?:卖)?的?)?妇女{_ZQ}{_ZN}(?:名|人)"),
        re.compile(rf"{_ZRESCUE}[^。；]*?{_ZN}名(?:被拐(?:卖)?的?)?妇女"),
    ],
    "suspects_detained": [
        re.compile(rf"{_ZARREST}{_ZQ}{_ZSUSPECT}{_ZQ}{_ZN}(?:名|人)"),
        re.compile(rf"{_ZARREST}{_ZQ}{_ZN}(?:名|人)"),
        re.compile(rf"{_ZN}名(?:犯罪)?(?:嫌疑人|嫌犯)(?:被|已被)(?:抓获|刑事拘留|逮捕|刑拘)"),
        # "14名犯罪嫌疑人全部落网", "抓获……章某、朱某等9人"
        re.compile(rf"{_ZN}名{_ZSUSPECT}(?:全部|均已|已|相继|悉数)?(?:落网|归案)"),
        re.compile(rf"{_ZARREST}[^，。；,]{{0,30}}?等{_ZN}(?:名|人)"),
    ],
    "officers": [
        re.compile(rf"(?:出动|调集|投入|组织)(?:了)?(?:警力|民警|公安民警){_ZQ}{_ZN}(?:名|人)"),
        re.compile(rf"{_ZN}名(?:参战|精干)?的?(?:公安)?(?:民警|警力|警察)"),
    ],
    "provinces_involved": [
        re.compile(r"(\d+)个?省(?:份|区|市|（区、市）|\(区、市\))?"),
    ],
}

ROLE_WORDS = {
    "abducting": r"\babduct\w*|\bkidnap\w*|\bstole\b|\bstolen\b|\bsteal\w*|"
                 r"拐骗|拐走|绑架|偷走|偷抢|抢走",
    "purchasing": r"\bpurchas\w*|\bbought\b|\bbuying\b|\bbuyers?\b|收买|购买|买家",
    "transporting": r"\btransport\w*|\bferr\w*|\bsmuggl\w*|运送|转运|接送|运往|中转",
    "introducing": r"\bintroduc(?:e|es|ed|ing|ers?|tions?)\b"
                   r"(?!\s+(?:\w+\s+)?(?:laws?|legislation|rules|measures|polic))|"
                   r"\bbroker\w*|\bmiddlem[ae]n\b|介绍|中介|中间人",
    "adopting": r"\badopt\w*|收养|领养",
    "selling": r"\bsold\b|\bsell\w*|贩卖|出售|卖给",
}
_ROLE_RES = {role: re.compile(words, re.I) for role, words in ROLE_WORDS.items()}

_SOURCE_VERB = re.compile(
    r"\b(?:abducted|abduct\w*|kidnapp?ed|stole|stolen|bought|purchased|targeted|taken|"
    r"snatched|lured|from)\b|拐骗|拐走|偷走|收买|购买|买来|从", re.I)
_SINK_VERB = re.compile(
    r"\b(?:sold|selling|resold|transported|trafficked|taken|sent|smuggled|moved|brought|"
    r"carried|to)\b\s+(?:\w+\s+){0,3}?(?:in|to|into|across)?|"
    r"卖到|卖往|卖给|贩卖到|贩卖至|运往|送往|带到|带往|运到|转卖到|到|至|往", re.I)
_ROUTE_CHAIN = re.compile(r"((?:[A-Z][a-z']+(?:\s[A-Z][a-z]+)?-){1,4}[A-Z][a-z']+)\s+"
                          r"(?:route|corridor|trafficking route|line)")


@dataclass
class Figures:
    """What one sentence (or several, merged) says about an incident."""

    counts: dict[str, int] = field(default_factory=dict)
    places: list[Unit] = field(default_factory=list)
    routes: list[tuple[str, str]] = field(default_factory=list)
    bought: tuple[int, int] | None = None
    sold: tuple[int, int] | None = None
    prices: list[Price] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    sexes: list[str] = field(default_factory=list)


def counts_in(sentence: str, chinese: bool) -> dict[str, int]:
    """The count fields a sentence states, first pattern that fits wins for each field."""
    patterns = _ZH if chinese else _EN
    found: dict[str, int] = {}
    for name, alternatives in patterns.items():
        for pattern in alternatives:
            match = pattern.search(sentence)
            if match:
                found[name] = int(match.group(1))
                break
    if "officers" in found and found.get("suspects_detained") == found["officers"]:
        del found["officers"]  # "detained 40 people, police said" is not forty officers
    return found


# One child rescued and named: "安全解救出被拐儿童小磊（化名）", "police rescued a baby boy".
_ONE_CHILD = {
    True: re.compile(rf"{_ZRESCUE}{_ZQ}{_ZCHILD}[\u4e00-\u9fff]{{1,3}}[（(]化名"),
    False: re.compile(rf"\b{_RESCUE}\s+(?:an?|the)\s+(?:\d+-(?:day|week|month|year)-old\s+)?"
                      r"(?:baby|boy|girl|infant|child|toddler|newborn)\b(?!\s+and\b)", re.I)}
# "The children were freed after police broke up the gang": the children counted before.
_THOSE_CHILDREN_RESCUED = re.compile(
    rf"\b(?:the|these|those|all the)\s+(?:children|kids|boys|girls|infants|babies)\s+"
    rf"{_PASSIVE}{_RESCUE}\b|(?:这些|这|该批)(?:\d+名)?(?:孩子|儿童|婴儿)[^，。]{{0,6}}(?:被|获)解救",
    re.I)


def one_child_rescued(sentence: str, chinese: bool) -> bool:
    """Whether the sentence tells the rescue of one child, named or with an article."""
    return bool(_ONE_CHILD[chinese].search(sentence))


def rescues_those_children(sentence: str) -> bool:
    """Whether the sentence says that children counted earlier were rescued."""
    return bool(_THOSE_CHILDREN_RESCUED.search(sentence))


def loose_counts(clause: str, chinese: bool) -> dict[str, int]:
    """Counts stated without a verb, as in a list of rings: "8 children and 39 suspects"."""
    found = counts_in(clause, chinese)
    if chinese:
        extra = {"children_rescued": rf"{_ZN}名{_ZCHILD}|{_ZCHILD}{_ZN}名",
                 "suspects_detained": rf"{_ZN}名(?:犯罪)?嫌疑人|嫌疑人{_ZN}名",
                 "women_rescued": rf"{_ZN}名妇女|妇女{_ZN}名"}
    else:
        extra = {"children_rescued": rf"\b{_N}\s+{_ADJ}{_CHILD}\b",
                 "suspects_detained": rf"\b{_N}\s+{_ADJ}suspects\b",
                 "women_rescued": rf"\b{_N}\s+{_ADJ}{_WOMAN}\b"}
    for name, pattern in extra.items():
        if name not in found:
            match = re.search(pattern, clause, re.I)
            if match:
                found[name] = int(next(g for g in match.groups() if g))
    return found


_ZH_NAME = r"(?:(?!一线)[\u4e00-\u9fff]){2,9}"
_ZH_CHAIN = re.compile(rf"((?:{_ZH_NAME}?(?:、|至|到|-|—)){{1,4}}{_ZH_NAME}?)一线")
_ZH_TRAFFIC = re.compile(r"拐|卖|买|偷|运|送|带|贩")
_ZH_SOURCE_END = re.compile(r"(?:从|在|将|自)$")
_ZH_TRANSIT_END = re.compile(r"(?:带入|进入|偷渡入|入境|经由?|途经|偷渡到)$")
_ZH_SINK_END = re.compile(r"(?:到|至|往|给|入)$")
_ZH_SAME_GROUP = re.compile(r"^(?:、|和|及|与|,|，)?$")
_EN_TRANSIT = re.compile(r"\b(?:into|via|through)\s+(?:the\s+)?$", re.I)


def _chain_pairs(units: list[Unit]) -> list[tuple[str, str]]:
    return [(a.name_en, b.name_en) for a, b in zip(units, units[1:], strict=False)
            if a.name_en != b.name_en]


def _routes_zh(sentence: str, places: list[tuple[Unit, int, int]]) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for chain in _ZH_CHAIN.finditer(sentence):
        routes += _chain_pairs([u for u, start, _ in places
                                if chain.start() <= start < chain.end()])
    if routes or not _ZH_TRAFFIC.search(sentence):
        return routes
    sources: list[Unit] = []
    sinks: list[Unit] = []
    role, previous_end = None, 0
    for unit, start, end in places:
        gap = sentence[previous_end:start]
        if role is not None and _ZH_SAME_GROUP.match(gap):
            pass
        elif _ZH_SOURCE_END.search(gap):
            role = "source"
        elif _ZH_TRANSIT_END.search(gap):
            role = "transit"
        elif _ZH_SINK_END.search(gap):
            role = "sink"
        else:
            role = None
        if role == "source":
            sources.append(unit)
        elif role == "sink":
            sinks.append(unit)
        previous_end = end
    sinks = [u for u in _distinct(sinks) if u.name_en not in {s.name_en for s in sources}]
    return [(a.name_en, b.name_en) for a in _distinct(sources) for b in sinks]


def routes_in(sentence: str, places: list[tuple[Unit, int, int]],
              chinese: bool = False) -> list[tuple[str, str]]:
    """Routes from where children were taken to where they were sold, as the sentence says.

    Places passed through ("smuggled from Vietnam into Guangxi and sold in Guangdong",
    "带入广西") are neither end of the route.
    """
    if chinese:
        return _routes_zh(sentence, places)
    routes: list[tuple[str, str]] = []
    for chain in _ROUTE_CHAIN.finditer(sentence):
        routes += _chain_pairs([p for p, start, _ in places
                                if chain.start() <= start < chain.end()])
    if routes:
        return routes
    sources = [m.end() for m in _SOURCE_VERB.finditer(sentence)]
    if not sources:
        return []
    first_source = sources[0]
    for sink in _SINK_VERB.finditer(sentence, first_source):
        before = [p for p, start, _ in places if first_source <= start < sink.start()
                  and not _EN_TRANSIT.search(sentence[:start])]
        after = [p for p, start, _ in places if start >= sink.end()]
        if before and after:
            ends = [p for p in after if p.name_en not in {b.name_en for b in before}]
            return [(a.name_en, b.name_en) for a in _distinct(before) for b in _distinct(ends)]
    return []


def _distinct(units: list[Unit]) -> list[Unit]:
    seen: dict[str, Unit] = {}
    for unit in units:
        seen.setdefault(unit.name_en, unit)
    # a city and its own province name one end: keep the city
    provinces_with_city = {u.province for u in seen.values() if u.kind == "city"}
    return [u for u in seen.values()
            if not (u.kind == "province" and u.name_en in provinces_with_city)]


_AGE = re.compile(r"\baged?\s+(?:between\s+)?(\d{1,2})(?:\s*(?:to|and|-)\s*(\d{1,2}))?|"
                  r"\b(\d{1,2})-(?:year|month)-olds?\b|\b(\d{1,2}) years? old\b|"
                  r"(\d{1,2})\s*(?:周)?岁", re.I)


def ages_in(text: str) -> list[int]:
    """Ages stated in English or Chinese, in order ("aged 2 to 6" gives both ends)."""
    return [int(g) for match in _AGE.finditer(text) for g in match.groups() if g]



# Outlets, bylines, datelines and people name a city that is not a place of the story ("the
# Guangzhou Daily reported", "Chongqing Morning Post", "By ZHENG CAIXIONG in Guangzhou",
# "广州日报").
_OUTLET = re.compile(r"\b(?:[A-Z][a-z]+ ){1,2}(?:Daily|Morning Post|Evening News|Evening Post|"
                     r"City News|News|Times|Television|TV)\b|"
                     # a person named with an age ("Su Tonghua, 21,"), not a city
                     r"\b[A-Z][a-z]+ [A-Z][a-z]+(?=, \d{1,2},)|"
                     r"\bBy [A-Z][A-Za-z ]{2,40}? in [A-Z][a-z]+\b|"
                     r"[\u4e00-\u9fff]{2,4}(?:日报|晚报|早报|都市报|电视台)|"
                     # datelines name where the story was filed: "BEIJING (AP) —",
                     # "新华社北京3月9日电", "人民网呼和浩特6月24日电"
                     r"^[A-Z]{3,}(?: [A-Z]{3,})?(?:, [A-Z][a-z]+)?\s*(?:\([A-Za-z ]+\))?\s*[-–—]|"
                     r"(?:新华社|新华网|中新社|中新网|人民网|中国新闻网|央视网|香港中通社)"
                     r"[\u4e00-\u9fff]{2,5}\d{1,2}月\d{1,2}日电")


def _without_outlets(sentence: str) -> str:
    return _OUTLET.sub(lambda m: " " * len(m.group(0)), sentence)


def figures_of(sentence: str, chinese: bool) -> Figures:
    placed = [(m.unit, m.start, m.end) for m in find_places(_without_outlets(sentence))]
    figures = Figures(counts=counts_in(sentence, chinese),
                      places=[unit for unit, _, _ in placed])
    if "children_rescued" not in figures.counts and one_child_rescued(sentence, chinese):
        figures.counts["children_rescued"] = 1
    figures.routes = routes_in(sentence, placed, chinese)
    figures.prices = prices_of(sentence, chinese)
    figures.bought = next(((p.low, p.high) for p in figures.prices if p.direction == "bought"),
                          None)
    figures.sold = next(((p.low, p.high) for p in figures.prices if p.direction == "sold"), None)
    figures.roles = [role for role, pattern in _ROLE_RES.items() if pattern.search(sentence)]
    figures.ages = ages_in(sentence)
    figures.sexes = sexes_in(sentence)
    return figures
