"""The ASGI application object for uvicorn: ``uvicorn homeward.web.main:app``."""

from homeward.web.app import create_app

app = create_app()
