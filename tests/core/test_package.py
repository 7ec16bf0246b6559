"""The installed package is `crowdmock`: pyproject.toml maps app/ and fixtures/ into it and lists every folder."""

import tomllib
from pathlib import Path

import crowdmock
from crowdmock.settings import Settings, default_fixtures

ROOT = Path(__file__).resolve().parents[2]


def _folders(source: Path, package: str) -> set[str]:
    return {
        ".".join([package, *folder.relative_to(source).parts])
        for folder in [source, *source.rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__"
    }


def test_pyproject_lists_every_folder_of_app_and_fixtures_as_a_crowdmock_package():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"crowdmock": "app", "crowdmock.fixtures": "fixtures"}
    expected = _folders(ROOT / "app", "crowdmock") | _folders(ROOT / "fixtures", "crowdmock.fixtures")
    assert sorted(setuptools["packages"]) == sorted(expected)


def test_the_default_fixtures_are_found_through_the_package():
    assert default_fixtures() == ROOT / "fixtures"
    assert Settings().fixtures_dir == default_fixtures()
    assert (default_fixtures() / "ushahidi" / "posts.json").is_file()


def test_the_version_comes_from_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["dynamic"] == ["version"]
    assert crowdmock.__version__.count(".") == 2
