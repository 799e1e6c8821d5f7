"""Money in a story: the price of a child, bought and sold, per sex; a ring's total takings;
and money that is no price at all.

A price is the nearest buying or selling word's: "purchased the infants at 8,000 to 10,000
yuan ... sold them for 20,000 to 50,000 yuan". What parents are paid is what the ring bought
for ("卖掉一个男婴，父母能得到2万元"); a change "从1万元的初始价变成3到4万元" is bought, then
sold. The sex is the one named last before the price (男婴 ... 5到6万元, 女婴则从1万元...).
A sum for a whole ring ("earned a total of 300,000 yuan", "非法获利30万元") is kept apart as
the ring's takings, never as a child's price; rewards, fines, cash seized, a daily theft quota
and wages are no price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from homeward.intake.sexes import last_sex_named

_PRICE_EN = re.compile(r"(\d+)(?:\s*yuan)?\s*(?:to|-|–|and)\s*(\d+)\s*yuan|(\d+)\s*yuan", re.I)
_PRICE_ZH = re.compile(r"(\d+)(?:元)?\s*(?:至|到|-|–|~)\s*(\d+)\s*元|(\d+)\s*元")
_BUY = re.compile(r"\b(?:bought|buy|buying|buys|purchased|purchase|purchasing|paid|pay)\b|"
                  r"(?:收买|购买)(?!者|人|家庭|方)|买入|买来|买下|花费|花了|收购", re.I)
_SELL = re.compile(r"\b(?:sold|sell|selling|sells|resold|resell|reselling)\b|"
                   r"卖给|卖到|卖出|出售|转卖|贩卖|卖往|卖", re.I)
_ZH_PRICE_THEN_VERB = re.compile(r"^(?:不等)?(?:的)?(?:价格|价钱)?(?:将[^，。]{0,6})?"
                                 r"(?:收买|购买|买入|买来|买下|收购|卖给|卖到|卖出|出售|转卖|"
                                 r"贩卖|卖往|卖)")
# The parents are paid: the ring bought the child from them.
_PARENTS_PAID = re.compile(r"(?:父母|家长|母亲|父亲)[^，。,]{0,8}(?:得到|获得|拿到|收到)"
                           r"[^，。,]{0,4}$|"
                           r"\bparents\b[^.;]{0,30}\b(?:received|got|were paid|was paid|earned)"
                           r"[^.;]{0,15}$", re.I)
# "从1万元的初始价变成3到4万元": bought, then sold (English writes it as a range, "from
# 10,000 to 30,000 yuan", read by the verb before it).
_CHANGE = re.compile(r"^(?:的)?(?:初始价|原价|起价|收购价|进价)?(?:格)?(?:变成|变为|涨到|涨至|升至|"
                     r"涨为)了?$")
_INITIAL = re.compile(r"^(?:的)?(?:初始价|原价|起价|收购价|进价)")
_FROM = re.compile(r"从$")
_RING_TOTAL = re.compile(r"\b(?:a total of|in total|in all|altogether|total(?:ling)?|earned|"
                         r"made|profit(?:s|ed)?|pocketed|illegal gains?)\b[^.;]{0,25}$|"
                         r"(?:共|共计|总计|累计)?(?:非法)?(?:获利|牟利|获取|赚取|获得赃款)[^，。]{0,6}$|"
                         r"(?:共|共计|总计)(?:获得|得到|收取)[^，。]{0,6}$", re.I)
_NOT_A_PRICE = re.compile(r"\b(?:rewards?|bounty|fined?|fines|compensation|cash|seized|salary|"
                          r"wages?|daily|deposit|bail)\b|"
                          r"悬赏|奖励|奖金|罚款|罚金|赔偿|现金|扣押|缴获|赃款|工资|路费|每天|每日|"
                          r"一天", re.I)
_PER_DAY = re.compile(r"^\W*(?:US\$[\d.]+\W*)?(?:a|per|each)\s+day\b|^\W*(?:每天|每日|一天)",
                      re.I)


@dataclass(frozen=True)
class Price:
    """One sum of money read as a price: ``direction`` is bought, sold or ring_total."""

    direction: str
    low: int
    high: int
    sex: str | None = None


def prices_of(sentence: str, chinese: bool) -> list[Price]:
    """Every price a sentence gives, in order."""
    out: list[Price] = []
    matches = list((_PRICE_ZH if chinese else _PRICE_EN).finditer(sentence))
    for index, match in enumerate(matches):
        low = int(match.group(1) or match.group(3))
        high = int(match.group(2) or low)
        if low < 100 or high < low:
            continue  # "3 yuan" is not the price of a child; a reversed range is a typo
        before = sentence[:match.start()]
        clause = re.split(r"[，。；,;]", before)[-1]
        after = sentence[match.end():match.end() + 12]
        if _NOT_A_PRICE.search(clause) or _PER_DAY.match(sentence[match.end():]):
            continue
        direction = _direction(sentence, match, before, after, matches[index - 1:index])
        if direction is not None:
            out.append(Price(direction, low, high, last_sex_named(before)))
    return out


def _direction(sentence: str, match: re.Match[str], before: str, after: str,
               previous: list[re.Match[str]]) -> str | None:
    if _RING_TOTAL.search(before):
        return "ring_total"
    if _PARENTS_PAID.search(before):
        return "bought"
    gap_after = sentence[match.end():]
    if _FROM.search(before) and _INITIAL.match(gap_after):
        return "bought"
    if previous and _CHANGE.match(sentence[previous[0].end():match.start()]) \
            and _FROM.search(sentence[:previous[0].start()]):
        return "sold"
    buy = max((m.end() for m in _BUY.finditer(before)), default=-1)
    sell = max((m.end() for m in _SELL.finditer(before)), default=-1)
    if _ZH_PRICE_THEN_VERB.match(after):  # "以2万元的价格卖给": the verb follows
        buy, sell = (1, 0) if _BUY.search(after) else (0, 1)
    if buy > sell:
        return "bought"
    if sell > buy:
        return "sold"
    return None


def prices_in(sentence: str, chinese: bool) -> tuple[tuple[int, int] | None,
                                                     tuple[int, int] | None]:
    """The first price bought and the first sold in a sentence, in yuan."""
    prices = prices_of(sentence, chinese)
    bought = next(((p.low, p.high) for p in prices if p.direction == "bought"), None)
    sold = next(((p.low, p.high) for p in prices if p.direction == "sold"), None)
    return bought, sold


def by_sex(prices: list[Price]) -> dict[str, dict[str, list[int]]]:
    """The first bought and sold price named for boys and for girls."""
    out: dict[str, dict[str, list[int]]] = {}
    for price in prices:
        if price.sex and price.direction in ("bought", "sold"):
            out.setdefault(price.sex, {}).setdefault(price.direction, [price.low, price.high])
    return out


def ring_total(prices: list[Price]) -> int | None:
    """The largest sum a ring is said to have taken in all, if any."""
    return max((p.high for p in prices if p.direction == "ring_total"), default=None)
