"""Hardening: one limit per anonymous action whichever door it uses, a proof of work
before an account exists, bounded photos, tips within their jurisdiction, one specimen
id rule, malformed uploads and absurd ids answered 4xx with a reason, error replies that
never echo the input, and plausible dates only."""

from __future__ import annotations

import datetime as dt
import struct
import time
import zlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from homeward.intake.tips import attach_tip_photo, submit_tip
from homeward.registry.models import MissingReport, Sample, Source, Tip, User
from homeward.web.app import create_app
from homeward.web.challenges import ChallengeBook, ProofRefused, solve
from homeward.web.photos import ANONYMOUS_MAX_PIXELS, PhotoError, clean_photo
from homeward.web.security import hash_password
from tests.web.conftest import PASSWORD, PROOF_BITS, api_proof, csrf_of, proof_of

HUGE = "99999999999999999999"


def _registration(username: str, **changes) -> dict[str, str]:
    form = {"child_name": "王小明", "sex": "male", "birth_date": "2019-05-01",
            "last_seen_date": "2023-08-15", "province_code": "53", "city": "Kunming",
            "parent_name": "Wang Li", "relationship": "mother", "contact": "13800000000",
            "username": username, "password": "a long password"}
    return {**form, **changes}


@pytest.fixture
def make_client(settings, engine, world):
    """``make_client(tip_submissions=3)``: a client of an app with changed settings."""
    clients = []

    def make(**changes) -> TestClient:
        app = create_app(settings.model_copy(update={
            "secret_key": "test-secret", "registration_proof_bits": PROOF_BITS, **changes}),
            engine)
        client = TestClient(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _count(factory, column) -> int:
    with factory() as session:
        return session.scalar(select(func.count(column)))


# --- 1. one limit per action, whichever door ----------------------------------------------

def test_tips_through_the_page_and_the_api_share_one_allowance(make_client, factory):
    client = make_client(tip_submissions=3)
    token = csrf_of(client.get("/tips/new").text)
    assert client.post("/api/v1/tips", json={"text": "a boy at the station"}).status_code == 201
    for text in ("a girl at the market", "a boy on the bus"):
        page = client.post("/tips/new", data={"text": text, "csrf_token": token})
        assert page.status_code == 200, page.text
    refused = client.post("/tips/new", data={"text": "another tip here", "csrf_token": token})
    assert refused.status_code == 429 and "too many tips" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert client.post("/api/v1/tips", json={"text": "one more tip"}).status_code == 429
    assert _count(factory, Tip.id) == 3


def test_registrations_share_a_smaller_allowance(make_client, factory):
    client = make_client(registration_submissions=1)
    answer = client.post("/api/v1/public/reports",
                         json={**_registration("first.parent"), **api_proof(client)})
    assert answer.status_code == 201, answer.text
    page = client.get("/register").text
    refused = client.post("/register", data={**_registration("second.parent"),
                                             "csrf_token": csrf_of(page), **proof_of(page)})
    assert refused.status_code == 429 and "too many registrations" in refused.text
    assert _count(factory, MissingReport.id) == 3  # the world's two and the first


def test_a_registration_needs_a_solved_challenge_used_once(client, world, factory):
    before = _count(factory, MissingReport.id)
    unproved = client.post("/api/v1/public/reports", json=_registration("no.proof"))
    assert unproved.status_code == 422  # challenge and nonce are required fields
    issued = client.get("/api/v1/public/reports/challenge").json()
    assert issued["bits"] == PROOF_BITS and issued["expires_in"] > 0
    bad = client.post("/api/v1/public/reports", json={
        **_registration("bad.proof"), "challenge": issued["challenge"], "nonce": "zz"})
    assert bad.status_code == 400, bad.text
    proof = {"challenge": issued["challenge"], "nonce": solve(issued["challenge"],
                                                              issued["bits"])}
    good = client.post("/api/v1/public/reports", json={**_registration("good.proof"), **proof})
    assert good.status_code == 201, good.text
    again = client.post("/api/v1/public/reports", json={**_registration("again.proof"),
                                                        **proof})
    assert again.status_code == 400 and "already used" in again.json()["detail"]
    page = client.get("/register").text
    assert 'src="/static/proof-of-work.js"' in page
    form = client.post("/register", data={**_registration("page.noproof"),
                                          "csrf_token": csrf_of(page)})
    assert form.status_code == 400 and "proof of work" in form.text
    assert _count(factory, MissingReport.id) == before + 1
    assert client.get("/static/proof-of-work.js").status_code == 200


def test_challenges_are_signed_expire_and_are_not_easier_than_asked(monkeypatch):
    book = ChallengeBook("secret", bits=8, lifetime_seconds=60)
    challenge = book.issue().text
    other = ChallengeBook("another secret", bits=8, lifetime_seconds=60)
    with pytest.raises(ProofRefused, match="not issued by this server"):
        other.redeem(challenge, solve(challenge, 8))
    with pytest.raises(ProofRefused, match="too easy"):
        ChallengeBook("secret", bits=12, lifetime_seconds=60).redeem(challenge,
                                                                     solve(challenge, 8))
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(ProofRefused, match="expired"):
        book.redeem(challenge, solve(challenge, 8))


# --- 2. photos: pixels checked before decoding --------------------------------------------

def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width x height`` pixels but holds almost no data: decoding it
    fails, so a refusal that names the pixels came before any decoding."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_the_pixel_count_is_checked_before_decoding():
    with pytest.raises(PhotoError, match="11000 x 11000 pixels"):
        clean_photo(_png_header(11_000, 11_000))
    with pytest.raises(PhotoError, match="pixels"):
        clean_photo(_png_header(5000, 5000), max_pixels=ANONYMOUS_MAX_PIXELS)
    with pytest.raises(PhotoError, match="not a readable image"):
        clean_photo(_png_header(5000, 5000))  # staff may send it: decoding is tried


def test_an_anonymous_tip_photo_has_the_lower_pixel_limit(client, world, factory):
    token = csrf_of(client.get("/tips/new").text)
    response = client.post("/tips/new", data={"text": "a boy at the station",
                                              "csrf_token": token},
                           files={"photo": ("big.png", _png_header(5000, 5000), "image/png")})
    assert response.status_code == 422 and "5000 x 5000 pixels" in response.text
    assert _count(factory, Tip.id) == 0


# --- 3. tips follow their jurisdiction ----------------------------------------------------

def test_police_see_the_tips_of_their_province_only(world, factory, signed_in):
    with factory() as session, session.begin():
        session.add(User(username="police.national", display_name="national", role="police",
                         jurisdiction="national", password_hash=hash_password(PASSWORD)))
        tips = {}
        for key, text, place in (
                ("yunnan", "a small boy crying near the bridge", "Kunming"),
                ("fujian", "两个男人带着一个女孩在厦门火车站", ""),
                ("liaoning", "a girl with a red bag seen in Dalian", ""),
                ("nowhere", "somebody should check the old factory", "")):
            tips[key] = submit_tip(session, text=text, place=place, client=key, secret="s")
        linked = submit_tip(session, text="the new child next door looks scared",
                            client="linked", secret="s")
        linked.report_id = world.other_report_id  # a case in Fujian
        tips["linked"] = linked
        attach_tip_photo(session, tips["yunnan"], b"photo bytes", "image/png")
        ids = {key: tip.id for key, tip in tips.items()}
        texts = {key: session.get(Source, tip.source_id).text for key, tip in tips.items()}
    seen = {}
    for username in ("police.yunnan", "police.fujian", "police.national"):
        police, _ = signed_in(username)
        queue = police.get("/tips").text
        seen[username] = {key for key, text in texts.items() if text in queue}
        photo = police.get(f"/tips/{ids['yunnan']}/photo")
        assert photo.status_code == (200 if username != "police.fujian" else 404), username
    assert seen["police.yunnan"] == {"yunnan"}
    assert seen["police.fujian"] == {"fujian", "linked"}
    assert seen["police.national"] == set(tips)


# --- 4. one specimen id rule --------------------------------------------------------------

def test_the_lab_form_and_the_api_refuse_the_same_specimen_ids(world, signed_in, factory):
    lab, token = signed_in("lab")
    page = lab.post("/lab/samples", data={"specimen_id": "Q 3 <b>", "subject": "relative:1",
                                          "collected_by": "Officer Li", "consent_by": "donor",
                                          "csrf_token": token})
    assert page.status_code == 422 and "not valid" in page.text
    api = lab.post("/api/v1/samples", headers={"X-CSRF-Token": token},
                   json={"specimen_id": "Q 3 <b>", "subject": "relative:1",
                         "collected_by": "Officer Li", "consent_by": "donor"})
    assert api.status_code == 422
    with factory() as session:
        assert session.scalar(select(Sample.id).where(Sample.specimen_id.like("Q%"))) is None


# --- 5. malformed profile uploads: 4xx with the reason ------------------------------------

MALFORMED = [
    ("empty.csv", b"", "empty"),
    ("photo.png", _png_header(10, 10), "binary"),
    ("profiles.csv.gz", b"\x1f\x8b\x08\x00" + zlib.compress(b"sample,locus"), "gzip"),
    ("latin.csv", b"\xff\xfe\xfa\x80\x81\x00", "binary"),
    ("header.csv", b"who,what\nR-F,12\n", "unrecognised header"),
    ("big.csv", b"sample,locus,allele1,allele2\nR-F,vWA,\"" + b"1" * 200_000 + b"\",14\n",
     "longer than"),
    (".", b"sample,locus,allele1,allele2\nNOPE,vWA,14,16\n", "no registered sample"),
    ("..", b"sample,locus,allele1,allele2\nNOPE,vWA,14,16\n", "no registered sample"),
    ("x" * 300 + ".csv", b"sample,locus,allele1,allele2\nNOPE,vWA,14,16\n",
     "no registered sample"),
]


def test_malformed_uploads_are_refused_with_the_reason(world, signed_in):
    lab, token = signed_in("lab")
    for name, content, reason in MALFORMED:
        page = lab.post("/lab/profiles", data={"csrf_token": token},
                        files={"profiles": (name, content, "text/csv")})
        assert page.status_code == 422 and reason in page.text, (name, page.status_code)
        assert "nothing was stored" in page.text
        api = lab.post("/api/v1/profiles", headers={"X-CSRF-Token": token},
                       files={"file": (name, content, "text/csv")})
        assert api.status_code == 422 and reason in str(api.json()["detail"]), name
        assert len(api.text) < 2000


# --- 6. absurd ids in page URLs -----------------------------------------------------------

PAGE_ROUTES = [  # (who, method, path, form)
    (None, "GET", "/alerts/{id}", {}),
    (None, "GET", "/alerts/{id}/photo", {}),
    ("police.yunnan", "GET", "/cases/{id}", {}),
    ("police.yunnan", "POST", "/cases/{id}/publish", {}),
    ("police.yunnan", "GET", "/children/{id}", {}),
    ("police.yunnan", "GET", "/operations/{id}", {}),
    ("police.yunnan", "GET", "/tips/{id}/photo", {}),
    ("police.yunnan", "POST", "/leads/{id}/decision", {"decision": "accept", "reason": "x"}),
    ("police.yunnan", "POST", "/notifications/{id}/read", {}),
    ("reviewer2", "GET", "/review/{id}", {}),
    ("reviewer2", "POST", "/review/{id}/second-sample", {"specimen_id": "C-1b"}),
    ("reviewer2", "POST", "/review/{id}/decision", {"decision": "reject", "reason": "x"}),
    ("care", "POST", "/care/children/{id}/visits", {"note": "visit"}),
    ("admin", "POST", "/admin/role-changes/{id}/approve", {}),
    ("admin", "POST", "/admin/role-changes/{id}/reject", {}),
]


def test_ids_beyond_the_integer_range_answer_4xx_pages(world, signed_in, client):
    sessions = {None: (client, csrf_of(client.get("/login").text))}
    for who, method, path, form in PAGE_ROUTES:
        if who not in sessions:
            sessions[who] = signed_in(who)
        user_client, token = sessions[who]
        for number in (HUGE, str(2**31), str(2**63)):
            url = path.format(id=number)
            if method == "GET":
                response = user_client.get(url)
            else:
                response = user_client.post(url, data={**form, "csrf_token": token},
                                            follow_redirects=False)
            assert response.status_code in (404, 422), (url, response.status_code)
            assert response.headers["content-type"].startswith("text/html"), url
    photo = sessions["police.yunnan"][0].post(
        f"/cases/{HUGE}/photo", data={"csrf_token": sessions["police.yunnan"][1]},
        files={"photo": ("p.png", _png_header(10, 10), "image/png")})
    assert photo.status_code in (404, 422)


# --- 7. error replies never echo more than an excerpt -------------------------------------

def test_validation_replies_are_short_and_always_encodable(client, world):
    for body in ('{"text": NaN}', '{"text": "\\ud800"}', '{"text": "ab\\ud800cdef\\u0000"}',
                 '{"text": Infinity, "seen_at": NaN}'):
        response = client.post("/api/v1/tips", content=body,
                               headers={"content-type": "application/json"})
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"][0]["loc"][0] == "body"
    huge = client.post("/api/v1/tips", json={"text": "x" * 5_000_000})
    assert huge.status_code == 422 and len(huge.content) < 1000
    assert huge.json()["detail"][0]["input"].startswith("xxx")
    registration = client.post("/api/v1/public/reports",
                               content='{"child_name": NaN, "birth_date": "\\ud800"}',
                               headers={"content-type": "application/json"})
    assert registration.status_code == 422
    form = client.post("/login", data={"username": "u" * 500, "password": "p",
                                       "csrf_token": csrf_of(client.get("/login").text)})
    assert form.status_code == 422 and form.headers["content-type"].startswith("text/html")
    assert "u" * 200 not in form.text


# --- 8. plausible dates and real text -----------------------------------------------------

def test_implausible_dates_and_blank_tips_are_refused(client, world, factory):
    for tip in ({"text": "      "}, {"text": " \t\n  \u3000 "},
                {"text": "a boy at the station", "seen_at": "2099-01-01T10:00:00"},
                {"text": "a boy at the station", "seen_at": "1900-01-01T10:00:00+08:00"}):
        response = client.post("/api/v1/tips", json=tip)
        assert response.status_code == 422, tip
    now = dt.datetime.now(dt.UTC).isoformat()
    assert client.post("/api/v1/tips", json={"text": "a boy at the station",
                                             "seen_at": now}).status_code == 201
    token = csrf_of(client.get("/tips/new").text)
    blank = client.post("/tips/new", data={"text": "       ", "csrf_token": token})
    assert blank.status_code == 422 and "at least 5 characters" in blank.text
    for changes, message in (({"birth_date": "0001-01-01"}, "before 1900"),
                             ({"birth_date": "2999-01-01"}, "future"),
                             ({"child_name": "   "}, "only spaces")):
        answer = client.post("/api/v1/public/reports", json={
            **_registration("dates.parent", **changes), **api_proof(client)})
        assert answer.status_code == 422 and message in answer.text, changes
    assert _count(factory, Tip.id) == 1


def test_excerpts_escape_surrogates_and_cut_long_values():
    from homeward.web.params import excerpt, validation_reply

    assert excerpt("a\ud800b") == "a\\ud800b"
    assert excerpt(float("nan")) == "nan"
    assert len(excerpt("x" * 10_000)) == 81
    reply = validation_reply([{"loc": ("body", "text"), "msg": "bad", "type": "t",
                               "input": "y" * 1000}])
    assert reply == [{"loc": ["body", "text"], "msg": "bad", "type": "t",
                      "input": "y" * 80 + "…"}]
