"""GET /: every vendor's base URL, docs page and default credentials."""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.vendors import VENDORS

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    rows = []
    for v in VENDORS.values():
        creds = "<br>".join(f"{escape(k)}: <code>{escape(c)}</code>" for k, c in v.credentials)
        rows.append(
            f"<tr><td>{escape(v.title)}</td><td><code>{base}{v.prefix}</code></td>"
            f'<td><a href="{v.prefix}/docs">docs</a></td><td>{creds}</td></tr>'
        )
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>crowdmock</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}td,th{{padding:.4rem .8rem;text-align:left;
vertical-align:top;border-bottom:1px solid #ddd}}</style></head><body>
<h1>crowdmock</h1><p>Local, stateful emulator of vendor APIs.
Admin API: <a href="/__admin/docs">/__admin/docs</a>.
Reset everything: <code>curl -X POST {base}/__admin/reset</code></p>
<table><tr><th>vendor</th><th>base URL</th><th>docs</th><th>credentials</th></tr>{"".join(rows)}</table>
</body></html>"""
    return HTMLResponse(html)
