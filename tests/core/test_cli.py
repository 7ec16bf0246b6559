"""`crowdmock reset` and `crowdmock snapshot export|import` on a database file, as a user runs them."""

import json

import pytest
from sqlmodel import Session

import crowdmock
from crowdmock.cli import main
from crowdmock.core.db import make_engine
from crowdmock.testing import free_port
from crowdmock.vendors.ushahidi.models import Post


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CROWDMOCK_DATABASE_URL", url)
    assert main(["reset"]) == 0  # creates and seeds the file
    return url


def _delete_post(url: str, post_id: int) -> None:
    with Session(make_engine(url)) as session:
        session.delete(session.get(Post, post_id))
        session.commit()


def _post(url: str, post_id: int):
    with Session(make_engine(url)) as session:
        return session.get(Post, post_id)


def test_snapshot_export_import_round_trip(database, tmp_path, capsys):
    saved = tmp_path / "snapshot.json"
    assert main(["snapshot", "export", str(saved), "--vendor", "ushahidi"]) == 0
    data = json.loads(saved.read_text())
    assert data["format"] == "crowdmock-snapshot" and list(data["vendors"]) == ["ushahidi"]
    _delete_post(database, 8328)
    assert _post(database, 8328) is None
    assert main(["snapshot", "import", str(saved)]) == 0
    assert "loaded ushahidi" in capsys.readouterr().out
    assert _post(database, 8328).id == 8328


def test_snapshot_export_to_stdout(database, capsysbinary):
    assert main(["snapshot", "export", "--vendor", "crowdskout"]) == 0
    assert list(json.loads(capsysbinary.readouterr().out)["vendors"]) == ["crowdskout"]


def test_bad_snapshot_changes_nothing(database, tmp_path, capsys):
    _delete_post(database, 8328)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "crowdmock-snapshot", "version": 1, "vendors": {"ushahidi": {"x": []}}}))
    assert main(["snapshot", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "unknown table 'x'" in err
    assert _post(database, 8328) is None
    (tmp_path / "broken.json").write_text("{")
    assert main(["snapshot", "import", str(tmp_path / "broken.json")]) == 2
    assert main(["snapshot", "import", str(tmp_path / "missing.json")]) == 2
    assert main(["snapshot", "export", "--vendor", "acme"]) == 2


def test_reset_command(database, capsys):
    _delete_post(database, 8328)
    assert main(["reset", "--vendor", "ushahidi"]) == 0
    assert "reset ushahidi" in capsys.readouterr().out
    assert _post(database, 8328) is not None
    assert main(["reset", "--vendor", "acme"]) == 2


def test_help_on_every_command(capsys):
    for argv in (
        ["--help"],
        ["serve", "--help"],
        ["reset", "--help"],
        ["routes", "--help"],
        ["snapshot", "--help"],
        ["snapshot", "export", "--help"],
        ["snapshot", "import", "--help"],
    ):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
        assert "usage: crowdmock" in capsys.readouterr().out


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"crowdmock {crowdmock.__version__}\n"


def test_serve_waits_for_its_database_then_names_it_without_the_password(monkeypatch, capsys):
    port = free_port()  # nobody listens there
    monkeypatch.setenv("CROWDMOCK_DATABASE_URL", f"postgresql+psycopg://crowdmock:hunter2@127.0.0.1:{port}/crowdmock")
    monkeypatch.setenv("CROWDMOCK_DATABASE_WAIT", "1")
    # serve sets these for uvicorn's factory: set here too, so that they are undone after the test.
    for name, value in (("CROWDMOCK_GC_FREEZE", "false"), ("CROWDMOCK_HOST", "127.0.0.1"), ("CROWDMOCK_PORT", "8000")):
        monkeypatch.setenv(name, value)
    assert main(["serve", "--port", str(free_port())]) == 1
    error = capsys.readouterr().err
    assert f"the database postgresql+psycopg://crowdmock:***@127.0.0.1:{port}/crowdmock did not answer in 1 s" in error
    assert "hunter2" not in error
