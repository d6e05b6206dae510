"""The command line in a pseudo-language: every sentence a person reads goes through the
translation layer.

The catalog template is extracted from the package (packaging/catalogs.py) and compiled as a
pseudo-language, "xx", in which every marked sentence becomes ⟦Ŝçàñ {count} ƒîĺéš⟧. The real
CLI then runs in it, on real photos, a real data folder and the real models: enroll, a scan
with a match, a possible match and an unreadable file, scans, review, report, export,
verify-report, inspect, models, profiles, rematch, forget, an error, and the --help of every
command. Any Latin letter left outside ⟦…⟧ is a sentence that bypassed the layer, unless it
is data: paths, file names, hashes, dates, numbers, the app's name, command lines (usage and
examples), option names and metavars in help.
"""

import argparse
import contextlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from likeness_guard import locale as translation
from likeness_guard.cli import build_parser
from likeness_guard.main import main
from tests.catalog_tools import PSEUDO, compile_pseudo_language

ROOT = Path(__file__).resolve().parents[2]

# ---- what may stay in Latin letters ---------------------------------------------------
# Every letter of the pseudo-language is outside ASCII (ŵŕîŧé), so any ASCII letter left in
# the output is either data or English: an untranslated sentence, or one put whole into a
# placeholder of a translated sentence ("⟦ŕéĵéçŧéđ {photo}: {reason}⟧" with an English
# reason), which is why the check does not drop what stands between ⟦ and ⟧.

_DATA = [
    re.compile(p)
    for p in (
        r"likeness-guard\b[^⟦⟧\n]*",  # command lines: usage, examples, commands to type
        r"[^\s⟦⟧]*[/\\][^\s⟦⟧]*",  # paths and web addresses (they hold a slash)
        r"[\w.-]+\.(?:jpg|png|pdf|json|onnx|txt|zip|gz|warc)\b",  # file names
        r"\b[0-9a-f]{12,}\b",  # SHA-256s and their prefixes
        r"\b(?:[0-9a-f]{4} ){15}[0-9a-f]{4}\b",  # a certificate fingerprint, spaced
        r"\b\d{4}-\d\d-\d\d(?:T[\d:]+Z)?",  # dates and times (UTC)
        r"\bLikeness Guard\b",  # the app's name
        r"\bSHA-256\b",  # the hash's name (a column of review --list, the models list)
        r"\b(?:buffalo_[sl]|antelopev2)\b",  # model packs' names
        r"\b(?:JPEG|PNG|A4|Letter)\b",  # an image format's name, a paper size
        r"\$[A-Z_]+",  # an environment variable
        r"\bko,\s+es,\s+pt_BR,\s+ar\b",  # language codes, in the help of --language
        r"\b(?:SHA256SUMS|MD5SUMS)\b",  # checksum files' names
        r"\b[a-z_]+(?:\.[a-z_]+|\[\d+\])+",  # a manifest field's path (pdf.page_size)
        r"\b\d+[mhdw]\b",  # how often to watch, as typed (7d, 1w)
    )
]
_PROFILE = "me"  # the profile name this test gives (data wherever it is shown)
# In help only: choices ({strict,balanced,lenient}), then option names and metavars.
_CHOICES = re.compile(r"\{[\w,.-]+\}")
_ITEMS_METAVAR = re.compile(r"\b[A-Z][A-Z0-9_]*\|[a-z]+\b")  # SHA256_PREFIX|all
_SYNTAX = re.compile(r"--?[a-z][\w-]*|[A-Z][A-Z0-9_]*(?:\.[a-z.]+)?")

# English that still bypasses the layer, taken out before the check: (the command whose
# output holds it, "" for the top help; the English). Empty: keep it so, say whose it is
# when something must go in.
ALLOWED_ENGLISH: list[tuple[str, re.Pattern[str]]] = []


def english_left(output: str, command: str, *, help_text: bool = False) -> list[str]:
    """The lines of `output` that still hold English once the data is taken out."""
    text = output
    for name, allowed in ALLOWED_ENGLISH:
        if command == name or (name and command.startswith(f"{name} ")):
            text = allowed.sub(" ", text)
    for pattern in _DATA:
        text = pattern.sub(" ", text)
    left = []
    for line in text.replace("⟦", " ").replace("⟧", " ").splitlines():
        rest = _ITEMS_METAVAR.sub(" ", _CHOICES.sub(" ", line)) if help_text else line
        words = [w for w in re.split(r"[^A-Za-z0-9_.-]+", rest) if re.search("[A-Za-z]", w)]
        words = [w for w in words if w != _PROFILE]
        if help_text:
            words = [w for w in words if not _SYNTAX.fullmatch(w) and w not in _COMMAND_NAMES]
        if words:
            left.append(line)
    return left


def _subcommands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (*prefix, name)
                yield from _subcommands(child, (*prefix, name))


_COMMANDS = list(_subcommands(build_parser()))
_COMMAND_NAMES = {name for command in _COMMANDS for name in command}


# ---- the pseudo-language and one session of the CLI in it --------------------------------


@pytest.fixture(scope="module")
def pseudo_catalogs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder with the whole package's sentences compiled as the pseudo-language."""
    folder = tmp_path_factory.mktemp("catalogs")
    compile_pseudo_language(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(translation, "CATALOGS", folder)
        patch.delenv("LIKENESS_GUARD_LANGUAGE", raising=False)
        yield folder
    translation.use_language(translation.ENGLISH)


def _run(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in-process in the pseudo-language; its exit code and all it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--language", PSEUDO, *argv])
        except SystemExit as exit_:  # --help
            code = int(exit_.code or 0)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def session(
    pseudo_catalogs: Path, tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]
) -> dict[str, tuple[int, str]]:
    """Every command of a person's first day, run once: command name -> (code, output)."""
    tmp = tmp_path_factory.mktemp("pseudo")
    folder = tmp / "downloads"
    folder.mkdir()
    yao = Image.open(photos["yaoming"]).convert("RGB")
    yao.filter(ImageFilter.GaussianBlur(6.5)).save(folder / "blurred.jpg", quality=95)
    (folder / "players.jpg").write_bytes(photos["players"].read_bytes())
    (folder / "gdp.jpg").write_bytes(photos["gdp"].read_bytes())
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff" + b"not a picture" * 20)
    group = tmp / "group.jpg"  # two large faces side by side: enroll asks which one
    both = Image.new("RGB", (yao.width * 2, yao.height))
    both.paste(yao, (0, 0))
    both.paste(yao.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (yao.width, 0))
    both.save(group, quality=95)
    data = ["--data-dir", str(tmp / "data")]
    said: dict[str, tuple[int, str]] = {}

    def run(name: str, *argv: str) -> str:
        said[name] = _run([*data, *argv])
        return said[name][1]

    run("enroll group photo", "enroll", str(group), "--profile", _PROFILE)
    run("enroll", "enroll", str(photos["yaoming"]), "--profile", _PROFILE)
    run("scan", "scan", str(folder), "--json", str(tmp / "scan.json"), "--profile", _PROFILE)
    run("scans", "scans")
    items = json.loads((tmp / "scan.json").read_text(encoding="utf-8"))["items"]
    blurred = next(item for item in items if item["source"].endswith("blurred.jpg"))
    run("review", "review", blurred["sha256"][:12], "--this-is-me")
    run("review --list", "review", "--list")
    run("error", "review", "--list", "--scan", "99")
    run("rematch", "rematch")
    run("report", "report", "--out", str(tmp / "report.pdf"))
    run("export", "export", "--out", str(tmp / "package"))
    run("verify-report", "verify-report", str(tmp / "package"))
    tampered = tmp / "tampered"  # a package with a changed file and an added one
    shutil.copytree(tmp / "package", tampered)
    (tampered / "added.txt").write_text("planted", encoding="utf-8")
    manifest = next(tampered.glob("*.manifest.json"))
    changed = json.loads(manifest.read_text(encoding="utf-8"))
    changed["pdf"]["page_size"] = "Letter" if changed["pdf"]["page_size"] == "A4" else "A4"
    manifest.write_text(json.dumps(changed), encoding="utf-8")
    run("verify-report tampered", "verify-report", str(tampered))
    run("report --language", "report", "--out", str(tmp / "r2.pdf"), "--language", "en")
    run("notice", "notice", "--name", "Sam", "--contact-email", "sam@example.org", "--out",
        str(tmp / "n.pdf"), "--language", PSEUDO)  # fmt: skip
    run("watch add", "watch", "add", str(folder), "--every", "7d", "--profile", _PROFILE)
    run("watch list", "watch", "list")
    run("watch schedule", "watch", "schedule", "status")
    run("watch remove", "watch", "remove", "1")
    run("inspect", "inspect", str(photos["gdp"]), str(folder / "missing.jpg"))
    run("models", "models")
    run("profiles", "profiles")
    run("case new", "case", "new", "2026-0412")
    run("case list", "case", "list")
    run("case log", "--case", "2026-0412", "case", "log")
    run("case export", "case", "export", "2026-0412", str(tmp / "case.zip"))
    run("case delete", "case", "delete", "2026-0412", "--yes")
    run("collection add", "collection", "add", "2026-07", str(folder))
    run("collection list", "collection", "list")
    run("collection info", "collection", "info", "2026-07")
    run("collection match", "collection", "match", "2026-07", "--profile", _PROFILE)
    run("collection remove", "collection", "remove", "2026-07")
    run("forget", "forget", "--profile", _PROFILE)
    run("forget --all", "forget", "--all")
    return said


# ---- the checks ---------------------------------------------------------------------------


def test_the_pseudo_language_is_in_use_and_the_session_went_as_planned(
    session: dict[str, tuple[int, str]],
) -> None:
    codes = {name: code for name, (code, _output) in session.items()}
    assert codes == {
        "enroll group photo": 1,  # several faces: refused, the faces listed
        "enroll": 0,
        "scan": 0,
        "scans": 0,
        "review": 0,
        "review --list": 0,
        "error": 2,
        "rematch": 0,
        "report": 0,
        "export": 0,
        "verify-report": 0,
        "verify-report tampered": 1,
        "report --language": 0,
        "notice": 2,  # no web address in this scan: said so
        "watch add": 0,
        "watch list": 0,
        "watch schedule": 0,
        "watch remove": 0,
        "inspect": 1,  # the missing file
        "models": 0,
        "profiles": 0,
        "case new": 0,
        "case list": 0,
        "case log": 0,
        "case export": 0,
        "case delete": 0,
        "collection add": 0,
        "collection list": 0,
        "collection info": 0,
        "collection match": 0,
        "collection remove": 0,
        "forget": 0,
        "forget --all": 0,
    }
    scan = session["scan"][1]
    # A match, a possible match and an unreadable file were all reported (in pseudo words).
    assert scan.count("players.jpg") == 1
    assert scan.count("blurred.jpg") == 1
    assert scan.count("broken.jpg") == 1
    assert "⟦" in scan
    assert "MATCH" not in scan
    assert "MAYBE" not in scan
    assert "⟦ƒàçé 1: " in session["enroll group photo"][1]  # the faces to choose from


@pytest.mark.parametrize(
    "name",
    [
        "enroll group photo",
        "enroll",
        "scan",
        "scans",
        "review",
        "review --list",
        "error",
        "rematch",
        "report",
        "export",
        "verify-report",
        "verify-report tampered",
        "report --language",
        "notice",
        "watch add",
        "watch list",
        "watch schedule",
        "watch remove",
        "inspect",
        "models",
        "profiles",
        "case new",
        "case list",
        "case log",
        "case export",
        "case delete",
        "collection add",
        "collection list",
        "collection info",
        "collection match",
        "collection remove",
        "forget",
        "forget --all",
    ],
)
def test_no_command_says_a_sentence_in_english(
    session: dict[str, tuple[int, str]], name: str
) -> None:
    _code, output = session[name]
    assert english_left(output, name.split()[0]) == [], output


@pytest.mark.parametrize("command", [(), *_COMMANDS], ids=lambda c: " ".join(c) or "top")
def test_every_help_is_translated(pseudo_catalogs: Path, command: tuple[str, ...]) -> None:
    code, output = _run([*command, "--help"])
    assert code == 0
    assert output.count("⟦") >= 3  # usage, options, -h at least
    assert english_left(output, " ".join(command), help_text=True) == [], output


def test_the_checker_finds_english_and_lets_data_through() -> None:
    """The check itself: what it must catch, and what it must let through."""
    assert english_left("⟦Ðöñé⟧ 3 images checked.", "scan") == [" Ðöñé  3 images checked."]
    assert english_left("MATCH  0.62 (⟦ṽéŕý⟧)  /tmp/a b/players.jpg", "scan") != []
    # An English reason inside a translated sentence is English all the same.
    assert english_left("⟦ŕéĵéçŧéđ  /tmp/x/group.jpg: 2 faces found⟧", "enroll") != []
    assert english_left("⟦Ŝçàñ ⟦3 îɱàĝéš⟧⟧ /tmp/x/players.jpg 2026-05-20T14:30:00Z", "scan") == []
    assert english_left("1\tme\t⟦ƒîñîšĥéđ⟧\t3a4f0c9d2e1b", "scans") == []
    assert english_left("⟦Çĥéçķ: likeness-guard verify-report /tmp/p⟧", "export") == []
    assert english_left("  --json FILE  ⟦ŵŕîţé⟧", "scan", help_text=True) == []
    assert english_left("  --json FILE  write it", "scan", help_text=True) != []
