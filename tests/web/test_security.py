"""Sign-in, sessions, CSRF, throttling, headers and photos."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from homeward.registry.models import Photo, User
from homeward.web.photos import clean_photo
from tests.web.conftest import PASSWORD, csrf_of


def test_passwords_are_argon2_hashes(factory, world):
    with factory() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "lab"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_session_cookie_is_httponly_and_samesite(client, world):
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "lab", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_secure_cookie_and_hsts_in_production(settings, engine, world):
    from fastapi.testclient import TestClient

    from homeward.web.app import create_app

    app = create_app(settings.model_copy(update={"secret_key": "x", "secure_cookies": True}),
                     engine)
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/login")
        assert "secure" in response.headers["set-cookie"].lower()
        assert "max-age" in response.headers["strict-transport-security"]


def test_forms_without_csrf_token_are_refused(client, world):
    client.get("/login")
    response = client.post("/login", data={"username": "lab", "password": PASSWORD})
    assert response.status_code == 403
    response = client.post("/tips/new", data={"text": "I saw a boy at the station"})
    assert response.status_code == 403


def test_api_writes_need_the_csrf_header(client, world):
    answer = client.post("/api/v1/session", json={"username": "reviewer2",
                                                  "password": PASSWORD}).json()
    body = {"confirm": False, "reason": "test"}
    assert client.post(f"/api/v1/matches/{world.match_id}/review", json=body).status_code == 403
    response = client.post(f"/api/v1/matches/{world.match_id}/review", json=body,
                           headers={"X-CSRF-Token": answer["csrf_token"]})
    assert response.status_code == 200 and response.json()["state"] == "rejected"


def test_login_is_throttled_after_repeated_failures(client, world):
    token = csrf_of(client.get("/login").text)
    statuses = [client.post("/login", data={"username": "admin", "password": "wrong!",
                                            "csrf_token": token}).status_code
                for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    # even the right password waits until the window has passed
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 429


def test_no_open_redirect_after_sign_in(client, world):
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "lab", "password": PASSWORD,
                                           "next": "https://evil.example/", "csrf_token": token},
                           follow_redirects=False)
    assert response.headers["location"] == "/dashboard"


def test_security_headers(client, world):
    headers = client.get("/").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in headers["content-security-policy"]


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 120, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, 0.0), 3: "E", 4: (102.0, 42.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_lose_their_exif():
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()
    clean, media_type = clean_photo(original)
    assert media_type == "image/jpeg"
    reopened = Image.open(io.BytesIO(clean))
    assert not reopened.getexif() and "exif" not in reopened.info
    assert reopened.size == (40, 30)


def test_uploaded_photo_is_stored_without_exif_and_shown_on_the_alert(signed_in, world,
                                                                        factory, client):
    police, token = signed_in("police.yunnan")
    response = police.post(f"/cases/{world.report_id}/photo", data={"csrf_token": token},
                           files={"photo": ("kid.jpg", _jpeg_with_gps(), "image/jpeg")},
                           follow_redirects=False)
    assert response.status_code == 303
    with factory() as session:
        photo = session.scalar(select(Photo))
    assert b"PhoneMaker" not in photo.content
    public = client.get(f"/alerts/{world.report_id}/photo")
    assert public.status_code == 200 and public.headers["content-type"] == "image/jpeg"


def test_a_file_that_is_not_an_image_is_refused(signed_in, world):
    police, token = signed_in("police.yunnan")
    response = police.post(f"/cases/{world.report_id}/photo", data={"csrf_token": token},
                           files={"photo": ("kid.jpg", b"not an image", "image/jpeg")})
    assert response.status_code == 422 and "not a readable image" in response.text
