"""Demo intake: the bundled news articles and posts, appeals written from some demo reports
(so that the demo shows proposed links) and an urgent tip with its notification."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.intake.pipeline import read_news
from homeward.intake.posts import Post, read_post_batch, read_posts
from homeward.intake.samples import ARTICLES, POSTS
from homeward.intake.store import store_news, store_posts
from homeward.intake.tips import submit_tip
from homeward.registry.models import MissingReport


def _appeal(report: MissingReport, number: int) -> Post:
    sex = "男孩" if report.sex == "male" else "女孩"
    seen = report.last_seen_date or dt.date(2020, 1, 1)
    age = max(0, (seen - report.birth_date).days // 365) if report.birth_date else 3
    location = report.last_seen_location
    place = f"{location.name}" if location is not None else ""
    text = (f"寻找孩子{report.child_name_zh}，{sex}，{age}岁，{seen.year}年{seen.month}月"
            f"在{place}走失，求扩散！")
    return Post(id=f"demo-{number}", user="宝贝回家志愿者",
                created_at=dt.datetime(2026, 10, 1 + number, 9, tzinfo=dt.UTC), text=text)


def seed_intake(session: Session, *, actor: str = "seed") -> dict[str, int]:
    news = store_news(session, read_news([ARTICLES]), actor=actor)
    posts, problems = read_posts(POSTS)
    reports = session.scalars(
        select(MissingReport).where(MissingReport.child_name_zh.is_not(None),
                                    MissingReport.status == "open")
        .order_by(MissingReport.id).limit(3)).all()
    posts += [_appeal(report, number) for number, report in enumerate(reports, start=1)]
    leads = store_posts(session, read_post_batch(posts), actor=actor, problems=problems)
    submit_tip(session, text="A small boy is being taken onto the K9 train at Kunming "
                             "station right now by a man who is not his father.",
               place="昆明火车站", client="demo", secret="demo")
    return {"articles": news.stored, "incidents": news.incidents_created,
            "leads": leads.leads, "links": news.links + leads.links}
