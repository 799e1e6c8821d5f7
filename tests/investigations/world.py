"""A small case made by the workflow functions: one operation, a Yunnan-to-Hebei ring of a
family (abductor, his wife the transporter, her brother the seller) and a buyer, two
rescued children sold along the route, a second ring elsewhere, and the press article
about the Kunming case read by intake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from homeward.intake.pipeline import read_news
from homeward.intake.store import store_news
from homeward.registry.gazetteer import places
from homeward.registry.models import FoundChild, Operation, Suspect
from homeward.workflow import operations
from homeward.workflow.cases import location_for

ARTICLES = Path(__file__).resolve().parents[2] / "src/homeward/intake/samples/articles"
HANDAN = "130400000000"


@dataclass
class Case:
    operation: Operation
    abductor: Suspect
    transporter: Suspect
    seller: Suspect
    buyer: Suspect
    other_seller: Suspect
    other_buyer: Suspect
    children: list[FoundChild]
    other_child: FoundChild


def make_case(session: Session, actor: str = "police:test") -> Case:
    op = operations.create_operation(session, actor=actor, name="Operation 7-14",
                                     started_on=dt.date(2011, 7, 14), provinces=["Hebei"])
    handan = location_for(session, places()[HANDAN])
    children = [operations.register_rescued_child(
        session, actor=actor, operation=op, sex="male", found_date=dt.date(2011, 7, 20),
        jurisdiction="13", found_location=handan) for _ in range(2)]
    abductor = operations.register_suspect(session, actor=actor, operation=op, name="张大军",
                                           role="abductor", phones=["13800000001"],
                                           household_address="云南省文山州某村1号",
                                           children=children)
    transporter = operations.register_suspect(session, actor=actor, operation=op,
                                              name="张丽", role="transporter",
                                              household_address="云南省文山州某村1号",
                                              children=children)
    seller = operations.register_suspect(session, actor=actor, operation=op, name="张强",
                                         role="seller", phones=["+86 138 0000 0002"])
    buyer = operations.register_suspect(session, actor=actor, operation=op, name="Li Ming",
                                        role="buyer")
    operations.record_kinship(session, actor=actor, suspect=abductor, relative=transporter,
                              kinship="spouse")
    for child in children:
        operations.record_transaction(session, actor=actor, child=child, price_yuan=9000,
                                      date=dt.date(2011, 3, 1), place="云南文山",
                                      seller=abductor, buyer=seller)
        operations.record_transaction(session, actor=actor, child=child, price_yuan=40000,
                                      date=dt.date(2011, 3, 4), place="河北邯郸",
                                      seller=seller, buyer=buyer)
    other_child = operations.register_rescued_child(
        session, actor=actor, operation=op, sex="female", found_date=dt.date(2011, 7, 21),
        jurisdiction="13")
    other_seller = operations.register_suspect(session, actor=actor, operation=op,
                                               name="王芳", role="seller")
    other_buyer = operations.register_suspect(session, actor=actor, operation=op,
                                              name="Zhao Gang", role="buyer")
    operations.record_transaction(session, actor=actor, child=other_child, price_yuan=30000,
                                  date=dt.date(2011, 5, 2), seller=other_seller,
                                  buyer=other_buyer)
    session.flush()
    return Case(op, abductor, transporter, seller, buyer, other_seller, other_buyer, children,
                other_child)


def store_kunming_articles(session: Session) -> None:
    """The Kunming railway police case as intake reads it (Wenshan -> Hebei, Shandong)."""
    batch = read_news([ARTICLES / "c2_kunming_zh.txt", ARTICLES / "c3_kunming_en.html"])
    store_news(session, batch, actor="intake:test")
    session.flush()
