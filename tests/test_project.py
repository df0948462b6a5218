"""Project hygiene: dependencies agree, notebooks are thin and committed without outputs."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, version = spec.split("==")
        pinned[normalise(name)] = version
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {}
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            for spec in item["pip"]:
                if "==" in spec:
                    name, version = spec.split("==")
                    conda[normalise(name)] = version
        elif "=" in item and not item.startswith("python="):
            name, version = item.split("=")
            conda[normalise(name)] = version
    assert conda == pinned


def test_notebooks_are_committed_without_outputs_and_are_thin():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path
        assert "parameters" in code[0]["metadata"].get("tags", []), path
        lines = 0
        for cell in code:
            source = "".join(cell["source"])
            assert not re.search(r"^\s*(def|class) ", source, re.M), f"{path}: def in notebook"
            lines += sum(1 for line in source.splitlines() if line.strip()[:1] not in ("", "#"))
        assert lines <= 60, f"{path}: {lines} lines of code (at most 60: move code to the package)"
