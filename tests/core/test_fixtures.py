"""A user's own fixtures: `crowdmock seed --fixtures DIR [--replace]`, `serve --fixtures`, CROWDMOCK_FIXTURES."""

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crowdmock.cli import main
from crowdmock.core.fixtures import FixtureError
from crowdmock.main import create_app
from crowdmock.settings import Settings

ADMIN = {"Accept": "application/json", "api_token": "00000000-0000-4000-8000-000000000001"}


def _write(folder: Path, vendor: str, name: str, records) -> None:
    (folder / vendor).mkdir(parents=True, exist_ok=True)
    text = records if isinstance(records, str) else json.dumps(records)
    (folder / vendor / f"{name}.json").write_text(text)


@pytest.fixture(autouse=True)
def _restore_environment():
    """`crowdmock serve` passes its options to uvicorn's factory as CROWDMOCK_* variables."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'seeded.sqlite3'}"
    monkeypatch.setenv("CROWDMOCK_DATABASE_URL", url)
    monkeypatch.delenv("CROWDMOCK_FIXTURES", raising=False)
    monkeypatch.setenv("CROWDMOCK_GC_FREEZE", "false")  # `serve` would set it for the rest of the test process
    return url


@pytest.fixture
def mine(tmp_path) -> Path:
    """Renames campaign group 1, adds group 900, and adds a DoSomething user."""
    folder = tmp_path / "mine"
    _write(folder, "ideascale", "campaign_groups", [{"id": 900, "name": "Mine"}, {"id": 1, "name": "Renamed"}])
    default_users = json.loads((Settings().fixtures_dir / "dosomething" / "users.json").read_text())
    batman = next(u for u in default_users if u["uid"] == 38)
    _write(folder, "dosomething", "users", [{**batman, "uid": 5000, "name": "robin", "mail": "robin@example.com"}])
    return folder


def _groups(client: TestClient) -> list:
    response = client.get("/ideascale/a/rest/v1/campaigns/groups", headers=ADMIN)
    assert response.status_code == 200
    return [(g["id"], g["name"]) for g in response.json()]


def _app(database: str, **settings) -> TestClient:
    return TestClient(create_app(Settings(database_url=database, **settings)))


def test_seed_on_top_of_the_defaults(database, mine, capsys):
    assert main(["seed", "--fixtures", str(mine)]) == 0
    assert "on top of the defaults" in capsys.readouterr().out
    with _app(database) as client:
        assert _groups(client) == [(1, "Renamed"), (2, "Workplace"), (3, "Archive"), (900, "Mine")]
        # The default users are still there, and the new one signs in.
        login = {"username": "robin", "password": "imB@tman789Kittycat$"}
        assert client.post("/dosomething/api/v1/auth/login", json=login).status_code == 200
        client.cookies.clear()  # signed in as robin now
        batman = {"username": "batman", "password": "imB@tman789Kittycat$"}
        assert client.post("/dosomething/api/v1/auth/login", json=batman).status_code == 200
        # The database remembers the fixtures: a reset goes back to them, not to the defaults.
        client.delete("/ideascale/a/rest/v1/campaigns/groups/900", headers=ADMIN)
        assert client.post("/__admin/reset").status_code == 200
        assert (900, "Mine") in _groups(client)
        # Vendors without a folder keep the default seed.
        assert client.get("/ushahidi/api/v3/posts/8328").status_code == 200
    with _app(database) as client:  # a later start
        assert (900, "Mine") in _groups(client)


def test_seed_instead_of_the_defaults(database, mine):
    assert main(["seed", "--fixtures", str(mine), "--replace"]) == 0
    defaults = Settings().fixtures_dir / "ideascale"
    for name in ("members", "api_tokens"):
        _write(mine, "ideascale", name, (defaults / f"{name}.json").read_text())
    assert main(["seed", "--fixtures", str(mine), "--replace"]) == 0
    with _app(database) as client:
        assert _groups(client) == [(1, "Renamed"), (900, "Mine")]
        ideas = client.get("/ideascale/a/rest/v1/ideas/0/50", headers=ADMIN)
        assert ideas.status_code == 200 and ideas.json() == []


def test_seed_without_fixtures_goes_back_to_the_defaults(database, mine, capsys):
    assert main(["seed", "--fixtures", str(mine)]) == 0
    assert main(["seed"]) == 0
    assert "from the defaults" in capsys.readouterr().out
    with _app(database) as client:
        assert _groups(client) == [(1, "Fund 5"), (2, "Workplace"), (3, "Archive")]


def test_serve_setting_reseeds_a_database_seeded_from_the_defaults(database, mine):
    with _app(database) as client:
        assert (900, "Mine") not in _groups(client)
    with _app(database, fixtures=mine) as client:
        assert (900, "Mine") in _groups(client)


def test_bad_fixtures_are_listed_by_file_record_and_field_and_change_nothing(database, mine, tmp_path, capsys):
    assert main(["seed", "--fixtures", str(mine)]) == 0
    bad = tmp_path / "bad"
    _write(bad, "ideascale", "campaign_groups", [{"id": "7", "name": "x"}, {"id": 8}, {"id": 9, "name": "y", "z": 1}])
    _write(bad, "ideascale", "ideas", "{")
    _write(bad, "ideascale", "funnels", {"id": 1})
    _write(bad, "ideascale", "idea", [])
    tag = json.loads((Settings().fixtures_dir / "ushahidi" / "tags.json").read_text())[0]
    _write(bad, "ushahidi", "tags", [tag, {**tag, "tag": "b"}, {"id": 2, "tag": "c"}])
    (bad / "acme").mkdir()
    capsys.readouterr()
    assert main(["seed", "--fixtures", str(bad)]) == 2
    err = capsys.readouterr().err
    groups = bad / "ideascale" / "campaign_groups.json"
    assert f"{bad} has fixtures crowdmock cannot use; nothing was changed:" in err
    for problem in (
        f"{groups}: record 0: field 'id': expected integer, got string",
        f"{groups}: record 1: missing field 'name'",
        f"{groups}: record 2: unknown field 'z' (known: id, name)",
        f"{bad / 'ideascale' / 'ideas.json'}: not JSON (Expecting property name enclosed in double quotes",
        f"{bad / 'ideascale' / 'funnels.json'}: expected a JSON array of objects",
        f"{bad / 'ideascale' / 'idea.json'}: not one of ideascale's fixture files",
        f"{bad / 'acme'}: not a vendor (known: crowdskout, crowdynews, dosomething, ideascale, ushahidi)",
        f"{bad / 'ushahidi' / 'tags.json'}: record 1: same id {tag['id']} as record 0",
        f"{bad / 'ushahidi' / 'tags.json'}: record 2: missing fields 'parent_id', 'slug'",
    ):
        assert problem in err
    with _app(database) as client:  # still the earlier seed
        assert (900, "Mine") in _groups(client)
    assert main(["seed", "--fixtures", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_lists_of_plain_values_take_numbers_or_strings(database, tmp_path, capsys):
    """Ushahidi's select options are labels where the default records only show tags options (ids)."""
    attributes = json.loads((Settings().fixtures_dir / "ushahidi" / "form_attributes.json").read_text())
    tags = next(a for a in attributes if a["id"] == 5)
    select = {**tags, "id": 900, "key": "my-select", "label": "Colour", "input": "select", "type": "varchar"}
    folder = tmp_path / "select"
    _write(folder, "ushahidi", "form_attributes", [{**select, "options": ["Red", "Green", 3, 2.5]}])
    assert main(["seed", "--fixtures", str(folder)]) == 0
    with _app(database) as client:
        token = client.post("/__admin/tokens", json={"vendor": "ushahidi", "user": "admin@ushahidi.com"}).json()
        response = client.get("/ushahidi/api/v3/forms/1/attributes/900", headers=token["headers"])
        assert response.status_code == 200, response.text
        assert response.json()["options"] == ["Red", "Green", 3, 2.5]
    wrong = tmp_path / "wrong"
    _write(wrong, "ushahidi", "form_attributes", [{**select, "options": ["Red", {"label": "Green"}, None, True]}])
    _write(wrong, "ushahidi", "posts", [{**_post(), "sets": "1"}])
    capsys.readouterr()
    assert main(["seed", "--fixtures", str(wrong)]) == 2
    err = capsys.readouterr().err
    options = f"{wrong / 'ushahidi' / 'form_attributes.json'}: record 0: field 'options'"
    for problem in (
        f"{options}[1]: expected integer or number or string, got object",
        f"{options}[2]: expected integer or number or string, got null",
        f"{options}[3]: expected integer or number or string, got boolean",
        f"{wrong / 'ushahidi' / 'posts.json'}: record 0: field 'sets': expected array, got string",
    ):
        assert problem in err
    assert "field 'options'[0]" not in err


def _post() -> dict:
    return json.loads((Settings().fixtures_dir / "ushahidi" / "posts.json").read_text())[0]


def test_a_conflict_in_the_database_rolls_back(database, mine, capsys):
    assert main(["seed", "--fixtures", str(mine)]) == 0
    users = json.loads((Settings().fixtures_dir / "ushahidi" / "users.json").read_text())
    clash = mine.parent / "clash"
    _write(clash, "ushahidi", "users", [{**users[0], "id": 999}])  # a second user with the same e-mail
    capsys.readouterr()
    assert main(["seed", "--fixtures", str(clash)]) == 2
    problem = f"{clash / 'ushahidi' / 'users.json'}: record 0: field 'email': another record has "
    assert problem + "'admin@ushahidi.com' too (it must be unique)" in capsys.readouterr().err
    with _app(database) as client:
        assert (900, "Mine") in _groups(client)


def test_serve_refuses_bad_fixtures_before_starting(database, tmp_path, monkeypatch, capsys):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(k))
    _write(tmp_path / "bad", "crowdskout", "users", [{"id": 1}])
    assert main(["serve", "--fixtures", str(tmp_path / "bad")]) == 2
    assert "users.json: record 0: missing fields" in capsys.readouterr().err and not started


def test_serve_banner_names_every_vendor_and_the_dashboard(database, monkeypatch, capsys):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(k))
    monkeypatch.delenv("CROWDMOCK_VENDOR", raising=False)
    assert main(["serve", "--port", "8123"]) == 0
    banner = capsys.readouterr().out
    base = "http://127.0.0.1:8123"
    assert f"crowdmock on {base}  (dashboard {base}/, admin {base}/__admin/docs)" in banner
    for title, prefix in (
        ("Crowdskout", "/crowdskout"),
        ("Crowdynews", "/crowdynews"),
        ("DoSomething", "/dosomething"),
        ("Ushahidi", "/ushahidi"),
        ("IdeaScale", "/ideascale"),
    ):
        assert f"{title:<14} {base}{prefix}" in banner
    assert started[0]["port"] == 8123 and started[0]["factory"] is True


def _defaults(name: str) -> list[dict]:
    return json.loads((Settings().fixtures_dir / "ushahidi" / f"{name}.json").read_text())


def _ushahidi(folder: Path, **files) -> Path:
    for name, records in files.items():
        _write(folder, "ushahidi", name, records)
    return folder


def _base_yml_like(folder: Path) -> Path:
    """Records with the nulls of Ushahidi's own test dataset (Base.yml), where the defaults happen to have values."""
    post, search, role = _post(), _defaults("savedsearches")[0], _defaults("roles")[0]
    user, message, job = _defaults("users")[0], _defaults("messages")[0], _defaults("export_jobs")[0]
    layer, state = _defaults("layers")[0], _defaults("targeted_survey_state")[0]
    nulls = {"form": None, "user": None, "slug": None, "post_date": None, "author_email": None, "title": None}
    return _ushahidi(
        folder,
        posts=[{**post, "id": 900, **nulls, "sets": ["1", 3]}],
        savedsearches=[{**search, "id": 901, "user": None}],
        roles=[{**role, "id": 902, "name": "watcher", "description": None}],
        users=[{**user, "id": 903, "email": "nobody@example.com", "language": None, "password": None}],
        messages=[{**message, "id": 904, "data_source": None}],
        export_jobs=[{**job, "id": 905, "filters": None, "total_rows": None, "total_batches": None, "updated": None}],
        layers=[{**layer, "id": 906, "updated": None}],
        targeted_survey_state=[{**state, "id": 907, "message_id": None}],
    )


def _ushahidi_admin(client: TestClient) -> dict:
    return client.post("/__admin/tokens", json={"vendor": "ushahidi", "user": "admin@ushahidi.com"}).json()["headers"]


def test_a_vendors_nulls_load_and_serve(database_url, tmp_path):
    """Fields the default records happen to fill may be null, as in the vendor's real data (Base.yml)."""
    folder = _base_yml_like(tmp_path / "dataset")
    with TestClient(create_app(Settings(database_url=database_url, fixtures=folder))) as client:
        headers = _ushahidi_admin(client)
        post = client.get("/ushahidi/api/v3/posts/900", headers=headers)
        assert post.status_code == 200, post.text
        shown = post.json()
        assert (shown["form_id"], shown["user_id"], shown["slug"], shown["post_date"]) == (None, None, None, None)
        assert shown["sets"] == ["1", "3"]
        search = client.get("/ushahidi/api/v3/savedsearches/901", headers=headers).json()
        assert (search["user_id"], search["name"]) == (None, "Search One")
        assert client.get("/ushahidi/api/v3/roles/902", headers=headers).json()["description"] is None
        assert client.get("/ushahidi/api/v3/users/903", headers=headers).json()["language"] is None
        assert client.get("/ushahidi/api/v3/messages/904", headers=headers).json()["data_source"] is None
        job = client.get("/ushahidi/api/v3/exports/jobs/905", headers=headers).json()
        assert (job["filters"], job["total_rows"], job["updated"]) == (None, None, None)
        # The layers table's `updated` is 0 when unset, and the v5 API shows the column (seed.py _layer_row).
        assert client.get("/ushahidi/api/v5/layers/906", headers=headers).json()["result"]["updated"] == 0
        # A user without a password is one nobody signs in as.
        login = {"username": "nobody@example.com", "password": "", "grant_type": "password"}
        login |= {"client_id": "ushahidiui", "client_secret": "35e7f0bca957836d05ca0492211b0ac707671261", "scope": "*"}
        assert client.post("/ushahidi/oauth/token", json=login).status_code == 400


def test_real_mistakes_are_still_refused(database, tmp_path, capsys):
    post = _post()
    folder = _ushahidi(
        tmp_path / "wrong",
        posts=[
            {**post, "id": "900"},
            {**post, "id": None},
            {k: v for k, v in post.items() if k != "id"},
            {**post, "id": 901, "title": {"en": "Flood"}, "form": {"id": "2", "url": None}, "titel": "Flood"},
            {**post, "id": 902, "values": None, "sets": [None], "tags": [None]},
        ],
        savedsearches="[{",
        comments=[],
    )
    assert main(["seed", "--fixtures", str(folder)]) == 2
    err = capsys.readouterr().err
    posts = folder / "ushahidi" / "posts.json"
    for problem in (
        f"{posts}: record 0: field 'id': expected integer, got string",
        f"{posts}: record 1: field 'id': expected integer, got null",
        f"{posts}: record 2: missing field 'id'",
        f"{posts}: record 3: field 'title': expected string, got object",
        f"{posts}: record 3: field 'form'.id: expected integer, got string",
        f"{posts}: record 3: field 'form'.url: expected string, got null",
        f"{posts}: record 3: unknown field 'titel' (known: id, url, ",
        f"{posts}: record 4: field 'sets'[0]: expected integer or number or string, got null",
        f"{posts}: record 4: field 'tags'[0]: expected object, got null",
        f"{folder / 'ushahidi' / 'savedsearches.json'}: not JSON (Expecting property name enclosed in double quotes",
        f"{folder / 'ushahidi' / 'comments.json'}: not one of ushahidi's fixture files",
    ):
        assert problem in err
    assert "record 4: field 'values'" not in err  # a null field is no mistake


def test_what_the_database_or_a_loader_refuses_is_a_problem_not_a_crash(database_url, tmp_path):
    post, user, tag = _post(), _defaults("users")[0], _defaults("tags")[0]
    folder = _ushahidi(
        tmp_path / "refused",
        posts=[{**post, "id": 900, "title": "a\u0000b", "created": None, "status": None}],
        users=[{**user, "id": 903, "email": None}],
        tags=[{**tag, "id": 904, "priority": 2**31}],  # PostgreSQL's INTEGER: SQLite would store it
    )
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(database_url=database_url, fixtures=folder))
    posts, users = folder / "ushahidi" / "posts.json", folder / "ushahidi" / "users.json"
    assert refused.value.problems == [
        f"{users}: record 0: field 'email': expected a value, got null",
        f"{folder / 'ushahidi' / 'tags.json'}: record 0: field 'priority': expected an integer from -2147483648 to "
        "2147483647, got 2147483648",
        f"{posts}: record 0: field 'title': expected text without NUL characters",
        f"{posts}: record 0: field 'status': expected a value, got null",
        f"{posts}: record 0: field 'created': expected a value, got null",
    ]
    _write(folder, "ushahidi", "posts", [{**post, "id": 900, "sets": ["1", "one"]}])
    _write(folder, "ushahidi", "users", [])
    _write(folder, "ushahidi", "tags", [])
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(database_url=database_url, fixtures=folder))
    assert refused.value.problems == [f"{posts}: record 0: field 'sets': expected collection ids, got 'one'"]
    # A value the loader reads as none (a time it cannot read) is named with what the record holds.
    _write(folder, "ushahidi", "posts", [{**post, "id": 900, "created": "yesterday"}])
    with pytest.raises(FixtureError) as refused:
        create_app(Settings(database_url=database_url, fixtures=folder))
    assert f"{posts}: record 0: field 'created': \"yesterday\" reads as no value, and one is needed" in (
        refused.value.problems
    )


def test_other_vendors_loaders_take_nulls(database, tmp_path, capsys):
    default = Settings().fixtures_dir
    campaign = json.loads((default / "dosomething" / "campaigns.json").read_text())[0]
    profile = json.loads((default / "crowdskout" / "profiles.json").read_text())[0]
    folder = tmp_path / "nulls"
    _write(folder, "dosomething", "campaigns", [{**campaign, "causes": None, "action_types": None, "tags": None}])
    _write(folder, "crowdskout", "profiles", [{**profile, "Genders": None}])
    assert main(["seed", "--fixtures", str(folder)]) == 0, capsys.readouterr().err
    ideas = json.loads((default / "ideascale" / "ideas.json").read_text())
    _write(folder, "ideascale", "ideas", [{**ideas[0], "title": None}])
    assert main(["seed", "--fixtures", str(folder)]) == 2
    assert f"{folder / 'ideascale' / 'ideas.json'}: record 0: field 'title': expected a value, got null" in (
        capsys.readouterr().err
    )


def test_a_tenant_from_fixtures_the_database_refuses_is_a_422(client, tmp_path):
    folder = _ushahidi(tmp_path / "refused", posts=[{**_post(), "id": 900, "created": None}])
    made = client.post("/__admin/tenants", json={"name": "refused", "fixtures": str(folder)})
    assert made.status_code == 422
    assert made.json()["error"] == "invalid fixtures"
    assert f"{folder / 'ushahidi' / 'posts.json'}: record 0: field 'created': expected a value, got null" in str(
        made.json()
    )
