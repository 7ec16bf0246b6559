"""The in-run ceiling: a bare FastAPI app on the same uvicorn settings as `crowdmock serve`, answering GETs with
the very bytes crowdmock answered them with (read from CEILING_BODIES, a JSON file of path -> body) and POSTs with
a pydantic-validated echo. Its routes are `async def`, FastAPI's fastest: a plain `def` route would pay a hop to the
threadpool per request that crowdmock's cached answers do not. Every crowdmock figure of bench/run.py is a ratio to it.

    CEILING_BODIES=bodies.json uvicorn bench.ceiling:app
"""

import json
import os
from pathlib import Path

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel

BODIES = {path: body.encode() for path, body in json.loads(Path(os.environ["CEILING_BODIES"]).read_text()).items()}

app = FastAPI()


class Item(BaseModel):
    title: str
    content: str
    tags: list[str] = []
    n: int = 0


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@app.post("/echo", status_code=201)
async def echo(item: Item) -> Item:
    return item


@app.get("/{name}")
async def body(name: str, request: Request) -> Response:
    return Response(BODIES[name], media_type="application/json")
