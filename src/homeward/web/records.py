"""Opening a record for a signed-in user: the access rule, then the audited read.

Shared by the pages and the API (the API never imports from the HTML views). A record the
user may not see answers 404, the same as one that does not exist.
"""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.orm import Session

from homeward.registry.models import FoundChild, Match, MissingReport, Operation, Relative, User
from homeward.web.access import may_open_child, may_open_report, may_see_operation
from homeward.workflow.cases import read_found_child, read_missing_report
from homeward.workflow.review import get_match


def open_report(session: Session, user: User, report_id: int, why: str) -> MissingReport:
    if not may_open_report(session, user, report_id):
        raise HTTPException(404, "no such case in your jurisdiction")
    return read_missing_report(session, report_id, actor=user.username, reason=why)


def open_child(session: Session, user: User, child_id: int, why: str) -> FoundChild:
    if not may_open_child(session, user, child_id):
        raise HTTPException(404, "no such child among those you may see")
    return read_found_child(session, child_id, actor=user.username, reason=why)


def open_match_case(session: Session, user: User, match_id: int, why: str) -> Match:
    """A match whose missing report the user may open (police telling the family)."""
    match = get_match(session, match_id)
    open_report(session, user, match.report_id, why)
    return match


def open_relative(session: Session, user: User, relative_id: int, why: str) -> Relative:
    relative = session.get(Relative, relative_id)
    if relative is None:
        raise HTTPException(404, "no such relative")
    open_report(session, user, relative.report_id, why)
    return relative


def open_operation(session: Session, user: User, operation_id: int) -> Operation:
    """An operation the user may see (web/access.py may_see_operation), else 404."""
    operation = session.get(Operation, operation_id)
    if operation is None or not may_see_operation(user, operation):
        raise HTTPException(404, "no such operation in your jurisdiction")
    return operation
