"""The catalog scripts of packaging/ for tests, and the pseudo-language built from every
sentence marked in the code (a test in it fails on any English that bypasses the layer)."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PSEUDO = "xx"  # the pseudo-language's code: no real language has it


def packaging_script(name: str) -> ModuleType:
    """A script of packaging/ (not a package), loaded as a module once per process."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def compile_pseudo_language(folder: Path) -> ModuleType:
    """Every sentence of the code, compiled as the pseudo-language into `folder` (use it as
    the layer's CATALOGS); returns the catalogs script, whose `extract()` gives the template."""
    tool = packaging_script("catalogs")
    out = folder / PSEUDO / "LC_MESSAGES" / f"{tool.DOMAIN}.mo"
    tool.compile_catalog(tool.pseudo_catalog(tool.extract()), out)
    return tool
