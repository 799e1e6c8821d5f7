"""Microblog posts (Weibo-style JSON Lines) read into leads: appeals, sightings, reposts.

One post per line: ``id``, ``user``, ``created_at``, ``text``, optional ``reposts``,
``images``, ``geo`` and ``repost_of`` (or Weibo's ``retweeted_status``). A line that is not
JSON, or lacks a field, is reported by its line number and skipped; the others go on.
From each post: what kind it is, the child's name (characters or pinyin), sex, age, the place
(normalised with code and coordinates) and the date the child was lost or seen.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from homeward.intake.dates import find_dates
from homeward.intake.documents import UnreadableItem, decode
from homeward.intake.figures import ages_in, sexes_in
from homeward.intake.numbers import normalise_numbers
from homeward.intake.places import Unit, find_places

REQUIRED = ("id", "user", "created_at", "text")
NEAR_COPY = 90  # rapidfuzz ratio of two posts' letters: above it, one copies the other

_APPEAL = re.compile(r"寻找|寻人|寻子|寻女|寻儿|走失|失踪|被拐|被抱走|被偷|丢失|求扩散|"
                     r"\bmissing\b|\blooking for\b|\bhelp (?:us )?find\b|\blost\b|\babducted\b",
                     re.I)
_FAMILY_SEARCH = re.compile(r"寻亲|寻找亲生父母|寻找我的家人|looking for (?:my )?(?:birth )?"
                            r"(?:parents|family)", re.I)
_SIGHTING = re.compile(r"看到|看见|遇到|发现一?个?|疑似|目击|\bsaw\b|\bspotted\b|\bseen\b|"
                       r"\bnoticed\b", re.I)
_REPOST_MARK = re.compile(r"^\s*(?:转发微博|转发|//@|RT\s*@)|//@", re.I)
_NAME_ZH = re.compile(r"(?:名叫|名字叫|叫做|姓名[:：]?\s*|孩子叫|儿子叫|女儿叫|看到|看见|见到|遇到|"
                      r"寻找(?:儿子|女儿|孩子|外孙女?|孙子|孙女)?)"
                      r"(?![一这那两几个某])([\u4e00-\u9fff]{2,3}?)"
                      r"(?=[，,。\s、（(：:]|走失|失踪|$|男|女|小朋友)")
_NAME_EN = re.compile(r"\b(?:named|name is|called|Name:)\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2})")
_NOT_NAMES = {"孩子", "儿子", "女儿", "男孩", "女孩", "宝贝", "亲人", "家人", "线索", "一个"}


@dataclass
class Post:
    id: str
    user: str
    created_at: dt.datetime
    text: str
    repost_of: str | None = None
    reposts: int | None = None
    images: list[str] = field(default_factory=list)
    geo: dict | None = None
    line: int = 0


@dataclass
class PostReading:
    """What a post says about a child, ready to be stored as a lead and linked."""

    post: Post
    kind: str  # appeal | family_search | sighting | repost | other
    child_name: str | None = None
    sex: str | None = None
    age: int | None = None
    place: Unit | None = None
    date: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"id": self.post.id, "user": self.post.user, "kind": self.kind,
                "child_name": self.child_name, "sex": self.sex, "age": self.age,
                "place": self.place.as_json() if self.place else None, "date": self.date,
                "repost_of": self.post.repost_of}


def _timestamp(value: object, where: str) -> dt.datetime:
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    text = str(value).strip()
    for parse in (dt.datetime.fromisoformat,
                  lambda v: dt.datetime.strptime(v, "%a %b %d %H:%M:%S %z %Y")):  # Weibo API
        try:
            stamp = parse(text)
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    raise UnreadableItem(where, f"created_at {text!r} is not a date and time")


def parse_post(raw: object, where: str, line: int = 0) -> Post:
    if not isinstance(raw, dict):
        raise UnreadableItem(where, "a post must be a JSON object")
    missing = [name for name in REQUIRED if raw.get(name) in (None, "")]
    if missing:
        raise UnreadableItem(where, f"missing field(s): {', '.join(missing)}")
    if not isinstance(raw["text"], str):
        raise UnreadableItem(where, "text must be a string")
    original = raw.get("repost_of") or (raw.get("retweeted_status") or {}).get("id")
    reposts = raw.get("reposts")
    return Post(id=str(raw["id"]), user=str(raw["user"]),
                created_at=_timestamp(raw["created_at"], where), text=raw["text"].strip(),
                repost_of=str(original) if original else None,
                reposts=reposts if isinstance(reposts, int) else None,
                images=[str(i) for i in raw.get("images") or [] if isinstance(i, str)],
                geo=raw.get("geo") if isinstance(raw.get("geo"), dict) else None, line=line)


def read_posts(path: Path) -> tuple[list[Post], list[UnreadableItem]]:
    """Every post of a JSON Lines file; bad lines come back as problems with their number."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableItem(path.name, f"cannot be read ({error.strerror})") from None
    text = decode(data, path.name)
    posts: list[Post] = []
    problems: list[UnreadableItem] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(UnreadableItem(where, f"not JSON ({error.msg})"))
            continue
        try:
            post = parse_post(raw, where, number)
        except UnreadableItem as problem:
            problems.append(problem)
            continue
        if post.id in seen:
            problems.append(UnreadableItem(where, f"post {post.id} appears twice in the file"))
            continue
        seen.add(post.id)
        posts.append(post)
    return posts, problems


def _fingerprint(text: str) -> str:
    text = re.sub(r"//@[^:：]+[:：]|转发微博|@\S+|#|https?://\S+", "", text)
    return re.sub(r"\W+", "", text.lower())


def read_post(post: Post) -> PostReading:
    text = post.text
    normalised = normalise_numbers(text)
    if post.repost_of or _REPOST_MARK.search(text):
        kind = "repost"
    elif _FAMILY_SEARCH.search(text):
        kind = "family_search"
    elif _APPEAL.search(text):
        kind = "appeal"
    elif _SIGHTING.search(text):
        kind = "sighting"
    else:
        kind = "other"
    reading = PostReading(post, kind)
    name = _NAME_ZH.search(text)
    if name and name.group(1) not in _NOT_NAMES:
        reading.child_name = name.group(1)
    elif (english := _NAME_EN.search(text)) is not None:
        reading.child_name = english.group(1)
    child_ages = [a for a in ages_in(normalised) if a <= 17]  # not the parent's age
    reading.age = child_ages[0] if child_ages else None
    sexes = sexes_in(text)
    reading.sex = sexes[0] if len(sexes) == 1 else None  # a boy and a girl: unknown
    places = [m.unit for m in find_places(text)]
    if places:
        cities = [u for u in places if u.kind == "city"]
        reading.place = cities[0] if cities else places[0]
    dates = [d for d in find_dates(normalised, post.created_at.date())
             if d.value <= post.created_at.date().isoformat()]
    reading.date = dates[0].value if dates else None
    return reading


def read_post_batch(posts: list[Post]) -> list[PostReading]:
    """Readings in order. A post that repeats an earlier appeal (the same words give or take
    a few, or the same child, place and date) is a repost of it: kept, and pointed at the
    first, so that investigators see one appeal with its reach."""
    readings: list[PostReading] = []
    first_by_text: dict[str, str] = {}
    first_by_child: dict[tuple[str, str, str], str] = {}
    for post in posts:
        reading = read_post(post)
        key = _fingerprint(post.text)
        child = (reading.child_name, reading.place.name_en if reading.place else None,
                 reading.date)
        original = None
        if reading.kind in ("appeal", "family_search", "sighting") and key:
            original = first_by_text.get(key) or _near(key, first_by_text)
            if original is None and all(child) and reading.kind == "appeal":
                original = first_by_child.get(child)  # type: ignore[arg-type]
        if original is not None:
            reading.kind = "repost"
            post.repost_of = original
        else:
            if key and len(key) >= 8:
                first_by_text.setdefault(key, post.id)
            if all(child) and reading.kind == "appeal":
                first_by_child.setdefault(child, post.id)  # type: ignore[arg-type]
        readings.append(reading)
    return readings


def _near(key: str, seen: dict[str, str]) -> str | None:
    """The first post whose words are nearly the same (an appeal copied with a line added)."""
    if len(key) < 20:
        return None
    match = process.extractOne(key, list(seen), scorer=fuzz.ratio, score_cutoff=NEAR_COPY)
    return seen[match[0]] if match else None
