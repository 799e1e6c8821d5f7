"""The FastAPI application: pages for every role and the JSON API under ``/api/v1``."""

from __future__ import annotations

import base64
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text
from sqlalchemy.exc import DataError, SQLAlchemyError
from starlette.middleware.sessions import SessionMiddleware

from homeward.config import Settings, get_settings
from homeward.registry.audit import AUDIT_KEYS
from homeward.registry.db import make_engine, make_read_session_factory, make_session_factory
from homeward.security.audit_keys import current_audit_keys
from homeward.security.crypto import ProfileCipher, key_from_file
from homeward.web import i18n
from homeward.web.challenges import ChallengeBook
from homeward.web.limits import SubmissionLimits
from homeward.web.name_search import NameIndex
from homeward.web.params import validation_reply
from homeward.web.rendering import render
from homeward.web.security import SECURITY_HEADERS, SignInThrottle
from homeward.web.writer_gate import gate_for
from homeward.workflow.errors import (
    NotFoundError,
    PermissionDeniedError,
    WorkflowError,
)
from homeward.workflow.profile_store import ProfileStores

HERE = Path(__file__).parent


class LanguageAndHeaders:
    """Pure ASGI middleware: the request's language, and security headers on every answer.

    (Starlette's ``BaseHTTPMiddleware`` costs a task and a stream copy per request.)
    """

    def __init__(self, app, secure: bool) -> None:
        self.app, self.secure = app, secure
        headers = dict(SECURITY_HEADERS)
        if secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state = scope.setdefault("state", {})
        state["lang"] = i18n.choose_language(request.cookies.get("lang"),
                                             request.headers.get("accept-language"))
        state["user"] = None

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in self.headers if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", "")


def _session_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    return base64.urlsafe_b64encode(key_from_file(settings.secret_key_file)).decode()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    # More pooled connections than request threads (AnyIO's limiter: 40). With fewer, the
    # threads of waiting requests hold every token while the finished requests whose
    # teardown would return a connection wait for a token: requests then time out.
    engine = engine or make_engine(settings.database_url, pool_pre_ping=True,
                                   pool_size=10, max_overflow=40)
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        """Size the handler thread pool, and build the public name index before the first
        request, not during it."""
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        try:
            with app.state.factory() as session:
                app.state.names.search(session, "warm up")
        except SQLAlchemyError as error:  # an unmigrated database: built on first search
            logging.getLogger(__name__).warning("name index not built at start: %s",
                                                type(error).__name__)
        yield

    app = FastAPI(title="Homeward", version="0.1.0",
                  description="Bring trafficked and missing children home.",
                  docs_url="/api/docs", redoc_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.factory = make_session_factory(engine)
    # the audit chain's keys of these settings (not only the process's)
    app.state.factory.configure(info={AUDIT_KEYS: current_audit_keys(settings)})
    app.state.read_factory = make_read_session_factory(engine)  # never waits for writers
    app.state.writer_gate = gate_for(engine.dialect.name)
    app.state.cipher = ProfileCipher.from_settings(settings)
    app.state.profile_stores = ProfileStores()  # the app's search indexes of decrypted DNA
    app.state.throttle = SignInThrottle(
        per_account_address=settings.login_attempts,
        per_address=settings.login_address_attempts,
        per_account=settings.login_account_attempts,
        base_delay=settings.login_backoff_seconds,
        max_delay=settings.login_backoff_max_seconds,
        forget_after=settings.login_forget_seconds)
    app.state.submissions = SubmissionLimits(settings)  # anonymous tips, registrations
    app.state.challenges = ChallengeBook(_session_secret(settings),
                                         bits=settings.registration_proof_bits,
                                         lifetime_seconds=settings.registration_challenge_seconds)
    app.state.names = NameIndex()
    app.state.client_secret = _session_secret(settings)  # keys the hash of tip senders

    app.add_middleware(SessionMiddleware, secret_key=_session_secret(settings),
                       session_cookie="homeward_session",
                       max_age=settings.session_absolute_hours * 3600,
                       same_site="lax", https_only=settings.secure_cookies)
    app.add_middleware(LanguageAndHeaders, secure=settings.secure_cookies)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        if _wants_json(request):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code,
                                headers=getattr(error, "headers", None))
        if error.status_code == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return render(request, "error.html", status_code=error.status_code,
                      message=str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        """Where and why, never the whole input back (web/params.py validation_reply)."""
        errors = validation_reply(error.errors())
        if _wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        return render(request, "error.html", status_code=422, message="; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def id_out_of_range(request: Request, error: Exception):
        """An id beyond the database's integer range (SQLite: 64 bits, an OverflowError;
        PostgreSQL: SQLSTATE 22003) names no record. Routes bound their ids (web/params.py
        RecordId); this answers for any that does not."""
        out_of_range = ("SQLite INTEGER" in str(error) if isinstance(error, OverflowError)
                        else getattr(getattr(error, "orig", None), "sqlstate", None) == "22003")
        if not out_of_range:
            raise error
        if _wants_json(request):
            return JSONResponse({"detail": "no such record"}, status_code=404)
        return render(request, "error.html", status_code=404, message="no such record")

    @app.exception_handler(WorkflowError)
    async def workflow_error(request: Request, error: WorkflowError):
        status = 404 if isinstance(error, NotFoundError) else (
            403 if isinstance(error, PermissionDeniedError) else 409)
        if _wants_json(request):
            return JSONResponse({"detail": str(error)}, status_code=status)
        return render(request, "error.html", status_code=status, message=str(error))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return JSONResponse({"status": "database unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    from homeward.web.api import router as api_router
    from homeward.web.api_alerts import router as alerts_api_router
    from homeward.web.api_investigations import router as investigations_api_router
    from homeward.web.api_joint import router as joint_api_router
    from homeward.web.api_raid import router as raid_api_router
    from homeward.web.views import (
        admin,
        care,
        cases,
        family,
        lab,
        leads,
        public,
        raid,
        review,
        staff,
    )
    from homeward.web.views import alerts as alert_views
    from homeward.web.views import investigations as investigation_views
    from homeward.web.views import joint as joint_views

    for module in (public, staff, cases, leads, lab, review, care, family, admin, raid):
        app.include_router(module.router)
    app.include_router(api_router)
    app.include_router(raid_api_router)
    app.include_router(joint_views.router)
    app.include_router(joint_api_router)
    app.include_router(investigation_views.router)
    app.include_router(investigations_api_router)
    app.include_router(alerts_api_router)
    app.include_router(alert_views.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
