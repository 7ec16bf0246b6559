"""/oauth/authorize (HTML login form), /oauth/access_token and /oauth/tracking."""

from html import escape
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from crowdmock.core.db import SessionDep
from crowdmock.core.payload import read_payload
from crowdmock.core.routing import LazyRouter
from crowdmock.core.tenancy import tenant_of
from crowdmock.vendors.crowdskout.auth import CallerDep, check_authorize_params, grant_token, issue_code, login
from crowdmock.vendors.crowdskout.render import envelope

router = LazyRouter(prefix="/oauth", tags=["oauth"])
PASSED = ("client_id", "redirect_uri", "response_type", "state")


def login_page(params: dict, error: str | None = None, email: str = "") -> HTMLResponse:
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{escape(str(params[k]))}">' for k in PASSED if params.get(k)
    )
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Crowdskout - Log in</title>
<style>body{{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}}label,input,button{{display:block;
width:100%;margin:.3rem 0}}input{{padding:.4rem}}.error{{color:#b00020}}</style></head><body>
<h1>Log in to Crowdskout</h1><p>An application is asking for access to your Crowdskout data.</p>{alert}
<form method="post" action="authorize">{hidden}
<label for="email">Email</label><input id="email" name="email" type="email" value="{escape(email)}" required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Log in and authorize</button></form></body></html>"""
    return HTMLResponse(html)


@router.get("/authorize", response_class=HTMLResponse)
def authorize_form(request: Request, session: SessionDep) -> HTMLResponse:
    params = dict(request.query_params)
    check_authorize_params(session, params)
    return login_page(params)


@router.post("/authorize", response_class=HTMLResponse)
async def authorize(request: Request, session: SessionDep):
    params = {**dict(request.query_params), **(await read_payload(request)).data}
    client = check_authorize_params(session, params)
    user = login(session, params.get("email") or params.get("username"), params.get("password"))
    if user is None:
        return login_page(params, "Those credentials do not match our records.", str(params.get("email") or ""))
    code = issue_code(session, client, params["redirect_uri"], user)
    query = {"code": code, **({"state": params["state"]} if params.get("state") else {})}
    parts = urlsplit(params["redirect_uri"])
    location = urlunsplit(parts._replace(query="&".join(filter(None, [parts.query, urlencode(query)]))))
    return RedirectResponse(location, status_code=302)


@router.post("/access_token")
async def access_token(request: Request, session: SessionDep) -> dict:
    params = {**dict(request.query_params), **(await read_payload(request)).data}
    return grant_token(session, tenant_of(request).settings, params)


@router.get("/tracking")
def oauth_tracking(caller: CallerDep) -> dict:
    user = caller.user
    return envelope({"source": user.source_id, "organization": user.organization_id, "client": user.client_id})
