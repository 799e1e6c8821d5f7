"""Homeward's web application (FastAPI, server-rendered pages and ``/api/v1``)."""
