"""Host routing, CORS, vendor error shapes for framework-level failures, routes tried by their path's start, and routes
built on first use."""

import threading
import time
from functools import partial
from typing import Annotated

import fastapi.routing
import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel

from crowdmock.core.routing import LazyRoute, LazyRouter, add_routes, index_routes
from crowdmock.main import create_app
from crowdmock.settings import Settings
from crowdmock.vendors import VENDORS


def test_real_hostname_routes_to_the_vendor_without_prefix(client):
    response = client.get("/api/v3/posts/8328", headers={"Host": "mydeployment.api.ushahidi.io:8000"})
    assert response.status_code == 200
    assert response.json()["url"] == "http://mydeployment.api.ushahidi.io:8000/api/v3/posts/8328"


def test_unknown_host_is_not_routed(client):
    assert client.get("/api/v3/posts/8328", headers={"Host": "example.org"}).status_code == 404


def test_admin_is_reachable_on_a_vendor_hostname(client):
    assert client.get("/__admin/health", headers={"Host": "x.api.ushahidi.io"}).status_code == 200


def test_cors_preflight_and_headers(client):
    preflight = client.options(
        "/crowdskout/v1/profile",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200  # Starlette's; Ushahidi's server answers 204 (tests/ushahidi/test_cors.py)
    # Credentialed requests are allowed, so a preflight names the caller's origin.
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    simple = client.get("/ushahidi/api/v3/posts/9999", headers={"Origin": "http://localhost:3000"})
    assert simple.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert simple.headers["access-control-allow-credentials"] == "true"


def test_framework_errors_never_leak_fastapi_detail(client):
    for response in (
        client.get("/ushahidi/nope"),
        client.request("PATCH", "/ushahidi/api/v3/posts"),
        client.get("/ushahidi/api/v3/posts/1.5"),
    ):
        assert "detail" not in response.json()
        assert response.json()["errors"][0]["status"] == response.status_code


def test_each_vendor_has_its_own_openapi_and_docs(client):
    spec = client.get("/ushahidi/openapi.json").json()
    assert spec["info"]["title"].startswith("Ushahidi")
    assert "/api/v3/posts" in spec["paths"]
    assert client.get("/ushahidi/docs").status_code == 200


def test_dashboard_lists_vendors_and_credentials(client):
    page = client.get("/").text
    assert "/ushahidi" in page and "robbie@ushahidi.com" in page


def test_crowdskout_real_hostname_routes_without_prefix(client):
    response = client.get("/v1/attribute/1", headers={"Host": "api.crowdskout.com", "Authorization": "Bearer abcd1234"})
    assert response.status_code == 200 and response.json()["data"]["id"] == 1


def _routed_app(indexed: bool) -> FastAPI:
    app = FastAPI()
    first, second = APIRouter(prefix="/v1"), APIRouter(prefix="/v1")

    @first.get("/items/{item}")
    def item(item: str) -> dict:
        return {"route": "item", "item": item}

    @second.get("/items/special")
    def special() -> dict:
        return {"route": "special"}

    @second.post("/other")
    def other() -> dict:
        return {"route": "other"}

    @second.get("/other/{a}/{b}")
    def pair(a: int, b: int) -> dict:
        return {"route": "pair", "sum": a + b}

    app.include_router(first)
    app.include_router(second)
    if indexed:
        index_routes(app)
    return app


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/v1/items/special"),  # the first router's `{item}` matches first, as in FastAPI
        ("GET", "/v1/items/7"),
        ("POST", "/v1/items/7"),  # 405
        ("GET", "/v1/other"),  # 405
        ("POST", "/v1/other"),
        ("GET", "/v1/other/2/3"),
        ("GET", "/v1/other/2/x"),  # 422
        ("GET", "/v1/items/7/"),  # FastAPI's trailing-slash redirect
        ("GET", "/v2/nothing"),  # 404
    ],
)
def test_routes_tried_by_their_start_answer_as_fastapis_router(method, path):
    with TestClient(_routed_app(False)) as plain, TestClient(_routed_app(True)) as indexed:
        expected = plain.request(method, path, follow_redirects=False)
        answer = indexed.request(method, path, follow_redirects=False)
    assert (answer.status_code, answer.headers.get("location"), answer.content) == (
        expected.status_code,
        expected.headers.get("location"),
        expected.content,
    )


def _items_app(router_class: type[APIRouter]) -> FastAPI:
    """One app of each kind of router, with what FastAPI builds per route: path and query parameters, a validated
    body, a declared status, an answer model, a route dependency and `openapi_extra`."""
    app = FastAPI()
    router = router_class(prefix="/v1", tags=["items"], dependencies=[Depends(_known_client)])

    class Item(BaseModel):
        name: str
        size: int = 1

    @router.get("/items/{item_id}", summary="An item")
    def get_item(item_id: int, detail: bool = False) -> Item:
        return Item(name=f"item {item_id}", size=2 if detail else 1)

    @router.post("/items", status_code=201)
    def create_item(item: Item) -> dict:
        return {"created": item.model_dump()}

    extra = {"x-answer": {"kind": "list"}}
    router.add_api_route(
        "/items",
        lambda: [],
        methods=["GET"],
        openapi_extra=partial(dict, extra) if router_class is LazyRouter else extra,
    )
    add_routes(app, router)
    return app


def _known_client(x_client: Annotated[str, Header()] = "web") -> None:
    if x_client == "banned":
        raise HTTPException(403, "banned")


@pytest.mark.parametrize(
    "method, path, body, headers",
    [
        ("GET", "/v1/items/7?detail=true", None, {}),
        ("GET", "/v1/items/x", None, {}),  # 422: not an int
        ("GET", "/v1/items/7", None, {"x-client": "banned"}),  # the route dependency refuses
        ("POST", "/v1/items", {"name": "a", "size": 3}, {}),
        ("POST", "/v1/items", {"size": "big"}, {}),  # 422: the body's model
        ("DELETE", "/v1/items/7", None, {}),  # 405
        ("GET", "/v1/items", None, {}),
    ],
)
def test_a_lazy_route_answers_as_fastapis_route(method, path, body, headers):
    with TestClient(_items_app(APIRouter)) as eager, TestClient(_items_app(LazyRouter)) as lazy:
        expected = eager.request(method, path, json=body, headers=headers)
        answer = lazy.request(method, path, json=body, headers=headers)
    assert (answer.status_code, answer.headers.get("allow"), answer.content) == (
        expected.status_code,
        expected.headers.get("allow"),
        expected.content,
    )


def test_a_lazy_route_is_built_by_its_first_request_or_the_openapi_document():
    app = _items_app(LazyRouter)
    routes = [r for r in app.router.routes if isinstance(r, LazyRoute)]
    built = lambda: sorted(r.name for r in routes if "dependant" in r.__dict__)  # noqa: E731
    assert built() == []
    with TestClient(app) as client:
        assert client.get("/v1/items/3").json() == {"name": "item 3", "size": 1}
        assert built() == ["get_item"]
        assert client.post("/v1/items", json={"name": "b"}).status_code == 201
        assert built() == ["create_item", "get_item"]
        assert client.get("/openapi.json").json() == TestClient(_items_app(APIRouter)).get("/openapi.json").json()
    assert built() == ["<lambda>", "create_item", "get_item"]


def test_a_lazy_route_built_by_one_thread_is_waited_for_by_another(monkeypatch):
    """Routes are module-level and shared by every app in the process: a second thread asking for a route while
    another builds it waits for that build, and does not find the route half made."""
    populate = fastapi.routing._populate_api_route_state
    started = threading.Event()

    def slow_populate(*args, **kwargs):
        populate(*args, **kwargs)
        started.set()
        time.sleep(0.2)  # the building thread holds the route here, half made

    monkeypatch.setattr(fastapi.routing, "_populate_api_route_state", slow_populate)
    route = next(r for r in _items_app(LazyRouter).router.routes if getattr(r, "name", "") == "get_item")
    answers: dict[str, object] = {}

    def ask(who: str) -> None:
        try:
            answers[who] = route.app
        except AttributeError as error:
            answers[who] = error

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    assert started.wait(5)
    ask("second")
    first.join()
    assert callable(answers["first"]) and answers["second"] is answers["first"]


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_every_route_of_every_app_builds(vendor):
    """A route is built on first use, so a mistake in its declaration would surface only when it is first asked
    for: every route of every vendor's app (those the OpenAPI document leaves out too) and of the admin API is built
    here."""
    app = create_app(Settings(database_url="sqlite://", vendor=vendor))
    lazy = [r for mount in app.routes for r in getattr(mount, "routes", ()) if isinstance(r, LazyRoute)]
    assert lazy
    for route in lazy:
        assert callable(route.app) and route.dependant.call is route.endpoint, route.path
