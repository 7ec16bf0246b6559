"""GET /: a server-rendered page with every vendor's URLs, docs and credentials; its script (static/dashboard.js)
polls the admin API for the journal and the fault rules. Everything is served locally (works offline)."""

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crowdmock.vendors import VENDORS

router = APIRouter()
STATIC = "/__admin/static/dashboard"


def _vendor_row(info: dict) -> str:
    bases = "".join(
        f'<div><code class="mock">{escape(b["mock"])}</code> <span class="muted">for</span> '
        f'<code class="real">{escape(b["real"])}</code></div>'
        for b in info["bases"]
    )
    creds = "".join(f"<div>{escape(c['what'])}: <code>{escape(c['value'])}</code></div>" for c in info["credentials"])
    docs = f'<a href="{escape(info["docs"])}">docs</a> · <a href="{escape(info["openapi"])}">OpenAPI</a>'
    return (
        f'<tr data-vendor="{escape(info["name"])}"><th scope="row">{escape(info["title"])}</th>'
        f"<td>{bases}</td><td>{docs}</td><td>{creds}</td></tr>"
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    origin = f"{request.url.scheme}://{request.url.netloc}"
    infos = [vendor.describe(origin) for vendor in VENDORS.values()]
    rows = "".join(_vendor_row(info) for info in infos)
    options = "".join(f'<option value="{escape(i["name"])}">{escape(i["title"])}</option>' for i in infos)
    settings = request.app.state.settings
    ca = (
        ' · <a id="ca-certificate" href="/__admin/ca.pem" download title="trust it for HTTPS: `crowdmock ca`">'
        "CA certificate</a>"
        if not settings.tls_cert and (settings.ca_folder / "ca.pem").is_file()
        else ""
    )
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>crowdmock</title><link rel="stylesheet" href="{STATIC}/dashboard.css"></head>
<body>
<header><h1>crowdmock</h1><span id="health" class="badge">…</span>
<nav><a href="/__admin/docs">admin API docs</a> · <a href="/__admin/openapi.json">admin OpenAPI</a>{ca}</nav>
<label title="GET /__admin/tenants: every view below is this tenant's">tenant
<select id="tenant"><option value="default">default</option></select></label>
<button id="reset-button" type="button" title="POST /__admin/reset">Reset all vendors</button>
<span id="reset-status" role="status"></span></header>
<main>
<section><h2>Vendors</h2>
<table id="vendors"><thead><tr><th>vendor</th><th>mock base URL for the real base URL</th><th>docs</th>
<th>default credentials</th></tr></thead><tbody>{rows}</tbody></table>
<p class="muted">Send <code>Host: api.crowdskout.com</code> (or any vendor's real hostname) to use the real paths
without the prefix. Reset from a test: <code>curl -X POST {escape(origin)}/__admin/reset</code></p></section>
<section><h2>Fault rules <button id="clear-faults" type="button">Clear all faults</button></h2>
<ul id="faults"><li class="muted">none</li></ul></section>
<section><h2>Request journal <button id="clear-journal" type="button">Clear journal</button></h2>
<form id="filters" autocomplete="off">
<label>vendor <select id="filter-vendor" name="vendor"><option value="">all</option>{options}</select></label>
<label>method <select id="filter-method" name="method"><option value="">all</option>
<option>GET</option><option>POST</option><option>PUT</option><option>PATCH</option><option>DELETE</option>
<option>OPTIONS</option></select></label>
<label>path starts with <input id="filter-path" name="path" placeholder="/ushahidi/api/v3/posts"></label>
<label>status <input id="filter-status" name="status" inputmode="numeric" size="4"></label>
<label><input id="filter-unmatched" name="unmatched" type="checkbox"> unmatched only</label>
<label><input id="pause" type="checkbox"> pause</label></form>
<table id="journal"><thead><tr><th>#</th><th>time</th><th>tenant</th><th>vendor</th><th>method</th><th>path</th>
<th>status</th><th>ms</th></tr></thead><tbody></tbody></table>
<p id="journal-empty" class="muted">No requests yet.</p></section>
</main>
<script src="{STATIC}/dashboard.js"></script>
</body></html>"""
    return HTMLResponse(html)
