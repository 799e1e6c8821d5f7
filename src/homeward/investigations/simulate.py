"""Seeded synthetic data with a known truth: networks with planted rings, and person
records with planted duplicates (for tests and benchmarks; never evaluation of real use).

Rings.

Each ring has 3-12 persons in the roles of a trafficking chain (abductor -> seller ->
buyer, with transporters and introducers) and 1-4 children; its members are tied by role
edges to the children, sales along the chain and shared phones. A family ring also has
recorded kinship, one household and one surname. Rings are then joined by a few bridges
(one buyer who bought from two rings, one phone used in two rings), which must not merge
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from homeward.investigations.graph import Edge, Node

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
            "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
            "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
            "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭"]
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
ROLE_CHAIN = ("abductor", "seller", "transporter", "introducer", "purchaser", "buyer")


@dataclass
class PlantedNetwork:
    nodes: dict[str, Node]
    edges: list[Edge]
    rings: list[set[str]]
    family: list[bool]


def _edge(a: str, b: str, kind: str, ref: str) -> Edge:
    return Edge(a, b, kind, "import", ref)


def planted_network(rings: int = 40, *, seed: int = 7, family_share: float = 0.4,
                    bridges: int = 10) -> PlantedNetwork:
    rng = np.random.default_rng(seed)
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    truth: list[set[str]] = []
    family: list[bool] = []
    persons_of: list[list[str]] = []
    for r in range(rings):
        is_family = bool(rng.random() < family_share)
        size = int(rng.integers(3, 13))
        clan = SURNAMES[int(rng.integers(len(SURNAMES)))]
        persons = []
        for i in range(size):
            pid = f"r{r}p{i}"
            name = (clan if is_family and i < max(2, size * 2 // 3) else
                    SURNAMES[int(rng.integers(len(SURNAMES)))]) + \
                "".join(rng.choice(GIVEN, 2))
            role = ROLE_CHAIN[min(i, len(ROLE_CHAIN) - 1)] if i < 2 else \
                ROLE_CHAIN[int(rng.integers(len(ROLE_CHAIN)))]
            nodes[pid] = Node(pid, "suspect", name, "import", f"planted/{pid}",
                              attributes={"role": role})
            persons.append(pid)
        children = [f"r{r}c{j}" for j in range(int(rng.integers(1, 5)))]
        for cid in children:
            nodes[cid] = Node(cid, "child", cid, "import", f"planted/{cid}")
            handlers = rng.choice(persons, size=min(len(persons), int(rng.integers(2, 5))),
                                  replace=False)
            for pid in handlers:
                edges.append(_edge(str(pid), cid, nodes[str(pid)].attributes["role"],
                                   f"planted/{pid}-{cid}"))
        for a, b in zip(persons, persons[1:], strict=False):  # the chain of sales
            edges.append(_edge(a, b, "transaction", f"planted/{a}-{b}"))
        phone = f"phone:r{r}"
        nodes[phone] = Node(phone, "phone", phone, "import", phone)
        for pid in rng.choice(persons, size=min(len(persons), 3), replace=False):
            edges.append(_edge(str(pid), phone, "phone", f"planted/{pid}-phone"))
        if is_family:
            home = f"household:r{r}"
            nodes[home] = Node(home, "household", home, "import", home)
            for a, b in zip(persons[:3], persons[1:3], strict=False):
                edges.append(_edge(a, b, "kin", f"planted/{a}-{b}-kin"))
            for pid in persons[:2]:
                edges.append(_edge(pid, home, "address", f"planted/{pid}-home"))
        truth.append(set(persons) | set(children) | {phone} |
                     ({f"household:r{r}"} if is_family else set()))
        family.append(is_family)
        persons_of.append(persons)
    for b in range(bridges):
        x, y = rng.choice(rings, size=2, replace=False)
        a, c = rng.choice(persons_of[int(x)]), rng.choice(persons_of[int(y)])
        kind = "transaction" if b % 2 else "phone"
        if kind == "phone":
            shared = f"phone:bridge{b}"
            nodes[shared] = Node(shared, "phone", shared, "import", shared)
            edges += [_edge(str(a), shared, "phone", f"bridge/{b}a"),
                      _edge(str(c), shared, "phone", f"bridge/{b}b")]
        else:
            edges.append(_edge(str(a), str(c), "transaction", f"bridge/{b}"))
    return PlantedNetwork(nodes, edges, truth, family)


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


# Persons with planted duplicates ------------------------------------------------------

_TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _typo(text: str, rng: np.random.Generator) -> str:
    """One swapped, dropped or replaced letter (a typing error)."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    pick = int(rng.integers(3))
    if pick == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if pick == 1:
        return text[:i] + text[i + 1:]
    return text[:i] + str(rng.choice(list(_TYPO_LETTERS))) + text[i + 1:]


def _id_number(birth: str, rng: np.random.Generator) -> str:
    digits = "".join(str(d) for d in rng.integers(0, 10, 6)) + birth.replace("-", "") + \
        "".join(str(d) for d in rng.integers(0, 10, 4))
    return digits


@dataclass
class PlantedPeople:
    records: list  # list[PersonRecord]
    duplicates: set[tuple[str, str]]  # sorted node-id pairs of one person


def planted_people(n: int = 2_000, *, duplicate_share: float = 0.15, seed: int = 3
                   ) -> PlantedPeople:
    """``n`` person records, some of them second records of the same person from another
    source: the name in characters in one and in pinyin (perhaps mistyped) in the other,
    an ID number with one digit wrong or missing, a phone kept or changed."""
    from pypinyin import lazy_pinyin

    from homeward.investigations.resolution import PersonRecord

    rng = np.random.default_rng(seed)
    originals = int(n / (1 + duplicate_share))
    records: list = []
    copies: dict[str, list[str]] = {}
    for i in range(originals):
        name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "".join(
            rng.choice(GIVEN, int(rng.integers(1, 3))))
        birth = f"{int(rng.integers(1955, 2000))}-{int(rng.integers(1, 13)):02d}-" \
                f"{int(rng.integers(1, 29)):02d}"
        id_number = _id_number(birth, rng) if rng.random() < 0.6 else None
        phone = "13" + "".join(str(d) for d in rng.integers(0, 10, 9))
        phones = (phone,) if rng.random() < 0.7 or id_number is None else ()
        stated_birth = birth if id_number is None and rng.random() < 0.5 else None
        records.append(PersonRecord(f"p{i}", name, (), id_number, stated_birth, phones,
                                    "police"))
    for j in range(n - originals):
        original = records[int(rng.integers(originals))]
        syllables = lazy_pinyin(original.name)
        pinyin = syllables[0].capitalize() + " " + "".join(syllables[1:]).capitalize()
        name = original.name if rng.random() < 0.3 else pinyin
        if rng.random() < 0.4:
            name = _typo(name, rng) if name == pinyin else name
        id_number = original.id_number
        if id_number and rng.random() < 0.3:
            k = int(rng.integers(0, 6))
            id_number = id_number[:k] + str((int(id_number[k]) + 1) % 10) + id_number[k + 1:]
        elif id_number and rng.random() < 0.3:
            id_number = None
        birth = original.birth_date or (f"{original.id_number[6:10]}-"
                                        f"{original.id_number[10:12]}-"
                                        f"{original.id_number[12:14]}"
                                        if original.id_number and rng.random() < 0.5 else None)
        phones = original.phones if rng.random() < 0.6 else ()
        if not (id_number or birth or phones):  # something the two records share
            id_number, phones = original.id_number, original.phones
        node_id = f"d{j}"
        records.append(PersonRecord(node_id, name, (), id_number, birth, phones, "press"))
        copies.setdefault(original.node_id, [original.node_id]).append(node_id)
    duplicates = {tuple(sorted((a, b))) for group in copies.values()
                  for i, a in enumerate(group) for b in group[i + 1:]}
    return PlantedPeople(records, duplicates)
