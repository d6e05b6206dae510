"""What can be checked here of the Windows and macOS bundle recipe (they build only on those
systems, in .github/workflows/bundles.yml): the icons and version resource, the installer
script's inputs, the workflow's matrix, the spec, and the launcher's freeze_support."""

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

import likeness_guard

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_windows_icon_holds_every_size_explorer_asks_for(tmp_path: Path) -> None:
    assets = load("platform_assets")
    with Image.open(assets.write_ico(tmp_path / "app.ico")) as icon:
        assert sorted(icon.info["sizes"]) == [(s, s) for s in assets.ICO_SIZES]


def test_the_macos_icon_holds_retina_sizes(tmp_path: Path) -> None:
    assets = load("platform_assets")
    with Image.open(assets.write_icns(tmp_path / "app.icns")) as icon:
        sizes = set(icon.info["sizes"])
    assert {(512, 512, 2), (512, 512, 1), (16, 16, 2)} <= sizes


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2rc1", (1, 2, 0, 0)), ("2.10.3.4.5", (2, 10, 3, 4))],
)
def test_windows_gets_four_version_numbers(version: str, numbers: tuple[int, ...]) -> None:
    assert load("platform_assets").version_numbers(version) == numbers


def test_the_version_resource_is_what_pyinstaller_reads(tmp_path: Path) -> None:
    """PyInstaller evaluates the file as one expression of its VSVersionInfo classes (they
    import Windows-only modules, so the expression is read here as a syntax tree)."""
    assets = load("platform_assets")
    text = assets.write_version_info(tmp_path / "v.txt", "1.4.2").read_text()
    tree = ast.parse(text, mode="eval")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    called = {ast.unparse(call.func) for call in calls}
    assert {"VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringStruct"} <= called
    fixed = next(call for call in calls if ast.unparse(call.func) == "FixedFileInfo")
    keywords = {k.arg: ast.literal_eval(k.value) for k in fixed.keywords if k.arg == "filevers"}
    assert keywords["filevers"] == (1, 4, 2, 0)
    strings = dict(
        (ast.literal_eval(call.args[0]), ast.literal_eval(call.args[1]))
        for call in calls
        if ast.unparse(call.func) == "StringStruct"
    )
    assert strings["ProductVersion"] == "1.4.2"
    assert strings["OriginalFilename"] == "likeness-guard.exe"


def test_the_installer_script_gets_every_value_it_requires() -> None:
    script = (PACKAGING / "windows" / "likeness-guard.iss").read_text()
    required = set(re.findall(r"#ifndef (\w+)\s*\n\s*#error", script))
    builder = (PACKAGING / "build_bundle.py").read_text()
    passed = set(re.findall(r"/D(\w+)=", builder))
    assert required == {"AppVersion", "BundleDir", "IconFile"}
    assert required <= passed
    assert "PrivilegesRequired=lowest" in script  # no administrator needed


def test_the_workflow_builds_and_self_tests_every_platform() -> None:
    workflow = (ROOT / ".github" / "workflows" / "bundles.yml").read_text()
    for runner in ("windows-latest", "macos-14", "macos-13", "ubuntu-22.04"):
        assert f"os: {runner}" in workflow
    assert "pip install --only-binary=:all: ." in workflow
    assert "likeness-guard --self-test" in workflow
    assert "python packaging/build_bundle.py" in workflow


def test_every_platform_builds_with_the_pinned_pyinstaller() -> None:
    pinned = load("build_bundle").pinned_pyinstaller()
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)


def test_the_spec_is_valid_python_with_a_branch_per_platform() -> None:
    spec = (PACKAGING / "likeness-guard.spec").read_text()
    tree = ast.parse(spec)
    assert 'sys.platform == "win32"' in spec
    assert 'sys.platform == "darwin"' in spec
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert {"Analysis", "EXE", "COLLECT", "BUNDLE"} <= called


def test_the_bundle_launcher_lets_worker_processes_start() -> None:
    """A frozen Windows or macOS bundle starts each analysis worker as itself again:
    freeze_support must run before the command line is parsed."""
    tree = ast.parse((PACKAGING / "launcher.py").read_text())
    calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert calls.index("multiprocessing.freeze_support") < calls.index("main")
    assert likeness_guard.__version__
