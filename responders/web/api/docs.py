"""The API's documentation page: Swagger UI served from the installed bundle, no CDN.

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline script; the
app's CSP allows neither (and a deployment may have no internet). This page loads the assets of
the `swagger-ui-bundle-v2` package (Swagger UI 5, which reads OpenAPI 3.1) from /api/docs/assets
and starts them with our docs.js.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import escape
from swagger_ui_bundle import swagger_ui_path

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>makegood API</title>
<link rel="stylesheet" href="{root}/docs/assets/swagger-ui.css">
</head>
<body data-openapi="{root}/openapi.json">
<div id="swagger-ui"></div>
<script src="{root}/docs/assets/swagger-ui-bundle.js"></script>
<script src="{root}/docs/static/docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve the docs page at /docs and its assets under /docs/assets and /docs/static."""
    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    app.mount("/docs/static", StaticFiles(directory=str(STATIC_DIR)), name="api-static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        """The Swagger UI page for this API."""
        root = escape(request.scope.get("root_path", "").rstrip("/"))
        return HTMLResponse(PAGE.format(root=root))
