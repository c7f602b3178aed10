"""Print, as JSON, what a Python project declares it needs, running none of it.

Run by quality-gates in the sandbox from the repository root. Reads
requirements*.txt, pyproject.toml (PEP 621 dependencies, test/dev extras,
PEP 735 groups), setup.cfg, tox.ini's [testenv] deps, and looks for
dependency keywords in setup.py
(which is never executed here).
"""
import configparser
import json
import os
import re
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11: pyproject.toml is then not read
    tomllib = None

# Extras and dependency groups named for the tests. "dev" is the fallback
# only: it usually also holds linters, formatters and release tools that the
# tests do not need (and every download can fail).
TEST_GROUPS = ("test", "tests", "testing")
FALLBACK_GROUP = "dev"
REQUIREMENTS_FILE = re.compile(r"^requirements[\w.-]*\.txt$")
SETUP_PY_DEPENDENCIES = re.compile(
    r"\b(install_requires|tests_require|extras_require)\b"
)


def requirement_files(root):
    """Return the root's requirements*.txt files that declare something."""
    found = []
    for name in sorted(os.listdir(root)):
        if not REQUIREMENTS_FILE.match(name):
            continue
        path = os.path.join(root, name)
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = [line.strip() for line in handle]
        if any(line and not line.startswith("#") for line in lines):
            found.append(name)
    return found


def test_names(names):
    """Return the test extras or groups among `names`, else a dev one."""
    chosen = [name for name in names if name.lower() in TEST_GROUPS]
    if chosen:
        return chosen
    return [name for name in names if name.lower() == FALLBACK_GROUP]


def group_requirements(groups, name, seen=()):
    """Return a PEP 735 group's requirements, with its included groups."""
    found = []
    for item in groups.get(name, []):
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            included = item.get("include-group")
            if isinstance(included, str) and included not in (*seen, name):
                found.extend(
                    group_requirements(groups, included, (*seen, name))
                )
    return found


def from_pyproject(path):
    """Return the PEP 621 dependencies, test extras and test groups."""
    if tomllib is None or not os.path.isfile(path):
        return []
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    project = data.get("project", {})
    found = list(project.get("dependencies", []))
    extras = project.get("optional-dependencies", {})
    for name in test_names(list(extras)):
        found.extend(extras[name])
    groups = data.get("dependency-groups", {})
    for name in test_names(list(groups)):
        found.extend(group_requirements(groups, name))
    return found


def from_setup_cfg(path):
    """Return install_requires and the test extras of setup.cfg."""
    if not os.path.isfile(path):
        return []
    parser = configparser.ConfigParser()
    parser.read(path, encoding="utf-8")
    found = []
    if parser.has_option("options", "install_requires"):
        found.extend(parser.get("options", "install_requires").splitlines())
    if parser.has_section("options.extras_require"):
        extras = dict(parser.items("options.extras_require"))
        for name in test_names(list(extras)):
            found.extend(extras[name].splitlines())
    return [line.strip() for line in found if line.strip()]


def from_tox_ini(path):
    """Return the deps of tox.ini's base [testenv]: the tests' requirements.

    Lines tox itself expands (substitutions, factor conditions) and pip
    options (-r, -c, -e) are left out: the root requirements files are read
    on their own.
    """
    if not os.path.isfile(path):
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return []
    if not parser.has_option("testenv", "deps"):
        return []
    found = []
    for line in parser.get("testenv", "deps").splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("-", "#")) and not re.search(
            r"[{}]|^[\w,!-]+:\s", line
        ):
            found.append(line)
    return found


def setup_py_declares(path):
    """Tell whether setup.py mentions dependencies (then it is installed)."""
    if not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8", errors="replace") as handle:
        return bool(SETUP_PY_DEPENDENCIES.search(handle.read()))


def main(root):
    """Print the JSON description of the project's requirements."""
    requirements = from_pyproject(os.path.join(root, "pyproject.toml"))
    requirements += from_setup_cfg(os.path.join(root, "setup.cfg"))
    requirements += from_tox_ini(os.path.join(root, "tox.ini"))
    result = {
        "requirementFiles": requirement_files(root),
        "requirements": sorted(set(requirements)),
        "installProject": setup_py_declares(os.path.join(root, "setup.py")),
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
