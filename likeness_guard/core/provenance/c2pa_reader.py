"""Read C2PA Content Credentials offline and say what they declare about AI."""

import io
import json
import logging
import re
from dataclasses import dataclass, field
from typing import IO, Any

from likeness_guard.core.domain.synthetic import ProvenanceIndicator, Strength
from likeness_guard.core.imaging.formats import MIME_TYPES
from likeness_guard.core.provenance.model import Effect, Finding, unreadable
from likeness_guard.core.provenance.vocabulary import (
    credit_phrase,
    generator_name,
    source_type_meaning,
)

log = logging.getLogger(__name__)

# c2pa-python fetches a remote manifest, and OCSP responses, over the network by default.
# We never go online for a scanned image: the person may be looking at something an abuser
# sent, and a fetch would tell the abuser's server that it was opened, and from where.
OFFLINE_SETTINGS: dict[str, Any] = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
}
_URL = re.compile(r"https?://[^\s'\"<>]+")
_MAX_MANIFESTS = 64
_TRUST_PREFIXES = ("signingCredential.", "timeStamp.")

_STORE_BLOCK = "C2PA manifest store"


@dataclass
class _ManifestReading:
    """What one manifest says, before combining it with its ingredients."""

    label: str
    effect: Effect = Effect.NONE
    declared: bool = False  # a digital source type or a credit line, not only a tool name
    generator: str | None = None  # an AI product named in the manifest
    statements: list[dict[str, Any]] = field(default_factory=list)


def c2pa_findings(data: bytes, fmt: str | None) -> list[Finding]:
    """Return findings from the file's Content Credentials; never raises, never goes online."""
    # Every embedded manifest is a JUMBF box labelled "c2pa"; a remote reference lives in
    # XMP dcterms:provenance. Without either there is nothing to read, and skipping the
    # native reader keeps a scan of plain photos fast.
    if fmt is None or (b"c2pa" not in data and b"provenance" not in data):
        return []
    mime = MIME_TYPES.get(fmt)
    return [] if mime is None else c2pa_stream_findings(io.BytesIO(data), mime)


def c2pa_stream_findings(stream: IO[bytes], mime: str) -> list[Finding]:
    """Findings from the Content Credentials of a file read from a stream (a video on disk,
    which is never read whole into memory); never raises, never goes online."""
    try:
        import c2pa
    except ImportError:  # pragma: no cover - c2pa-python is a hard dependency
        return [
            unreadable("The Content Credentials reader is not installed.", _STORE_BLOCK, "no c2pa")
        ]
    try:
        if mime not in c2pa.Reader.get_supported_mime_types():
            return []
        context = c2pa.Context.from_dict(OFFLINE_SETTINGS)
        try:
            reader = c2pa.Reader.try_create(mime, stream, None, context)
            if reader is None:
                return []
            with reader:
                store = json.loads(reader.json())
        finally:
            context.close()
    except c2pa.C2paError as exc:
        return _from_error(str(exc))
    except Exception as exc:  # a bug in the native reader must not stop a scan
        log.warning("c2pa reader failed: %s", exc)
        return [unreadable("The Content Credentials could not be read.", _STORE_BLOCK, repr(exc))]
    try:
        return _from_store(store)
    except Exception as exc:  # an unexpected manifest shape
        log.warning("unexpected C2PA manifest shape: %r", exc)
        return [
            unreadable(
                "The Content Credentials have an unexpected layout.", _STORE_BLOCK, repr(exc)
            )
        ]


def _from_error(message: str) -> list[Finding]:
    if message.startswith("Remote") or "remote manifest" in message.lower():
        match = _URL.search(message)
        url = match.group(0) if match else None
        where = f"at {url}" if url else "online"
        return [
            Finding(
                ProvenanceIndicator(
                    kind="c2pa_remote",
                    strength=Strength.WEAK,
                    summary=f"A remote manifest is referenced {where} (not fetched: this app "
                    "never goes online for an image).",
                    evidence={"url": url, "reader_message": message},
                )
            )
        ]
    if "ManifestNotFound" in message or "no JUMBF data found" in message:
        return []
    return [unreadable("The Content Credentials in this file are damaged.", _STORE_BLOCK, message)]


def _from_store(store: dict[str, Any]) -> list[Finding]:
    manifests: dict[str, Any] = store.get("manifests") or {}
    active_label = store.get("active_manifest")
    if not isinstance(manifests, dict) or not manifests:
        return [
            unreadable(
                "The Content Credentials hold no manifest.", _STORE_BLOCK, "empty manifest store"
            )
        ]
    if active_label not in manifests:
        active_label = next(iter(manifests))
    effect, declared, generator, statements = _declarations(manifests, str(active_label))
    active = manifests[active_label]
    signer = active.get("signature_info") or {}
    failures = _failures(store)
    integrity = [f for f in failures if _is_integrity(f["code"])]
    trust = [f for f in failures if f["code"].startswith(_TRUST_PREFIXES)]
    other = [f for f in failures if f not in integrity and f not in trust]
    issuer = signer.get("issuer") if isinstance(signer, dict) else None
    claim_generator = _claim_generator(active)
    shown_name = issuer or generator or claim_generator
    evidence: dict[str, Any] = {
        "generator": shown_name,
        "ai_product": generator,
        "active_manifest": active_label,
        "claim_generator": claim_generator,
        "signer": {k: signer.get(k) for k in ("issuer", "common_name", "time", "alg")}
        if isinstance(signer, dict)
        else None,
        "declarations": statements,
        "validation_state": store.get("validation_state"),
        "integrity": "failed" if integrity else "ok",
        "trust": _trust_words(trust),
        "trust_failures": trust,
        "other_failures": other,
        "ingredient_failures": _failures(store, ingredients=True),
        "manifest_count": len(manifests),
    }
    strength = Strength.DECLARED if declared or effect is Effect.NONE else Strength.STRONG
    if integrity and effect is not Effect.NONE:
        # The claim may have been copied onto other pixels; it still says what it says.
        strength = Strength.STRONG
    summary = _summary(effect, issuer)
    findings = [
        Finding(ProvenanceIndicator("c2pa", strength, summary, evidence), effect),
    ]
    if integrity:
        findings.append(
            Finding(
                ProvenanceIndicator(
                    kind="c2pa_integrity",
                    strength=Strength.WEAK,
                    summary="The file was altered after its Content Credentials were signed "
                    "(a hash or signature does not match), so they may not describe these pixels.",
                    evidence={"failures": integrity},
                )
            )
        )
    return findings


def _declarations(
    manifests: dict[str, Any], active_label: str
) -> tuple[Effect, bool, str | None, list[dict[str, Any]]]:
    """Return what the active manifest, its history and every other manifest say about AI."""
    readings = {
        label: _read_manifest(label, m)
        for label, m in list(manifests.items())[:_MAX_MANIFESTS]
        if isinstance(m, dict)
    }
    effect, declared, generator, statements = _combine(
        active_label, manifests, readings, "the active manifest", set()
    )
    # Manifests that no ingredient link reaches are still evidence: treat them as parents.
    reached = {s["manifest"] for s in statements}
    for label, reading in readings.items():
        if label not in reached and reading.statements:
            statements.extend(reading.statements)
            if reading.effect > effect:
                effect, declared = reading.effect, reading.declared
            generator = generator or reading.generator
    return effect, declared, generator, statements


def _summary(effect: Effect, issuer: str | None) -> str:
    """The sentence a user reads about the Content Credentials and what they say about AI."""
    signed_by = f"signed by {issuer}" if issuer else "signer unnamed"
    trust_note = "; the signer was not checked against a trust list"
    if effect is Effect.GENERATED:
        return f"Content Credentials say this image was made by AI ({signed_by}{trust_note})."
    if effect is Effect.EDITED:
        return f"Content Credentials say this image was changed with AI ({signed_by}{trust_note})."
    return f"This file carries Content Credentials ({signed_by}); they do not say AI was used."


def _combine(
    label: str,
    manifests: dict[str, Any],
    readings: dict[str, _ManifestReading],
    where: str,
    visiting: set[str],
) -> tuple[Effect, bool, str | None, list[dict[str, Any]]]:
    """Return what a manifest and, through its ingredients, its history say about AI.

    OpenAI writes trainedAlgorithmicMedia only in an ingredient's manifest, so the active
    manifest alone is not enough. A generated parent makes the result generated; a generated
    component (pasted into something else) makes it edited.
    """
    reading = readings.get(label)
    if reading is None or label in visiting or len(visiting) > _MAX_MANIFESTS:
        return Effect.NONE, False, None, []
    visiting = visiting | {label}
    statements = [dict(s, found_in=where) for s in reading.statements]
    effect, declared, generator = reading.effect, reading.declared, reading.generator
    # Only a declaration (source type, credit line) in this manifest outranks its history; a
    # product name alone (claim generator "ChatGPT") is upgraded by a declared ingredient.
    own_declares_ai = declared and effect is not Effect.NONE
    for ingredient in manifests[label].get("ingredients") or []:
        if not isinstance(ingredient, dict):
            continue
        child = ingredient.get("active_manifest")
        if not isinstance(child, str):
            continue
        title = ingredient.get("title") or "untitled"
        sub_effect, sub_declared, sub_gen, sub_statements = _combine(
            child, manifests, readings, f"ingredient '{title}'", visiting
        )
        statements.extend(sub_statements)
        generator = generator or sub_gen
        if ingredient.get("relationship") == "componentOf" and sub_effect is Effect.GENERATED:
            sub_effect = Effect.EDITED
        # The active manifest's own declaration wins: a composite built from a generated
        # ingredient is "edited", as its own manifest says.
        if own_declares_ai or sub_effect is Effect.NONE:
            continue
        if sub_effect > effect or (sub_effect == effect and sub_declared and not declared):
            effect, declared = sub_effect, sub_declared
    return effect, declared, generator, statements


def _read_manifest(label: str, manifest: dict[str, Any]) -> _ManifestReading:
    reading = _ManifestReading(label=label)
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict):
            continue
        name = str(assertion.get("label", ""))
        data = assertion.get("data")
        if name.startswith("c2pa.actions") and isinstance(data, dict):
            for action in data.get("actions") or []:
                if isinstance(action, dict):
                    _read_action(action, reading)
        # Descriptions and source types can sit in any assertion (CreativeWork, metadata).
        for key, text in _strings(data, name):
            if key.lower() == "digitalsourcetype" and not name.startswith("c2pa.actions"):
                _note_source_type(text, {"assertion": name}, reading)
            elif not name.startswith("c2pa.actions"):
                _note_phrase(text, {"assertion": name, "field": key}, reading)
    claim_generator = _claim_generator(manifest)
    if claim_generator and reading.effect is Effect.NONE:
        product = generator_name(claim_generator)
        if product is not None:
            reading.effect = Effect.GENERATED
            reading.generator = reading.generator or product
            reading.statements.append(
                {"manifest": label, "claim_generator": claim_generator, "names": product}
            )
    for statement in reading.statements:
        statement.setdefault("manifest", label)
    return reading


def _read_action(action: dict[str, Any], reading: _ManifestReading) -> None:
    name = str(action.get("action", ""))
    agent = action.get("softwareAgent")
    agent_name = agent.get("name") if isinstance(agent, dict) else agent
    agent_name = str(agent_name) if agent_name else None
    detail: dict[str, Any] = {"action": name}
    if agent_name:
        detail["software_agent"] = agent_name
    if action.get("description"):
        detail["description"] = action["description"]
    source_type = action.get("digitalSourceType")
    if isinstance(source_type, str) and source_type_meaning(source_type) is not None:
        _note_source_type(source_type, detail, reading)
    elif agent_name and generator_name(agent_name):
        effect = Effect.GENERATED if name.endswith(("created", "placed")) else Effect.EDITED
        if name.endswith("placed"):
            effect = Effect.EDITED
        reading.effect = max(reading.effect, effect)
        reading.generator = reading.generator or generator_name(agent_name)
        reading.statements.append(dict(detail, names=generator_name(agent_name)))
    if agent_name and generator_name(agent_name):
        reading.generator = reading.generator or generator_name(agent_name)
    for key in ("description",):
        text = action.get(key)
        if isinstance(text, str):
            _note_phrase(text, detail, reading)


def _note_source_type(value: str, detail: dict[str, Any], reading: _ManifestReading) -> None:
    meaning = source_type_meaning(value)
    if meaning is None:
        return
    code, effect, description = meaning
    reading.statements.append(
        dict(detail, digital_source_type=value, code=code, meaning=description)
    )
    if effect > reading.effect:
        reading.effect = effect
    if effect is not Effect.NONE:
        reading.declared = True


def _note_phrase(text: str, detail: dict[str, Any], reading: _ManifestReading) -> None:
    phrase = credit_phrase(text)
    if phrase is None:
        return
    reading.statements.append(dict(detail, phrase=phrase[0], text=text))
    reading.declared = True
    if phrase[1] > reading.effect:
        reading.effect = phrase[1]


def _strings(value: Any, key: str, depth: int = 0) -> list[tuple[str, str]]:
    if depth > 8:
        return []
    if isinstance(value, str):
        return [(key, value)]
    out: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for k, v in list(value.items())[:200]:
            out.extend(_strings(v, str(k), depth + 1))
    elif isinstance(value, list):
        for v in value[:200]:
            out.extend(_strings(v, key, depth + 1))
    return out


def _claim_generator(manifest: dict[str, Any]) -> str | None:
    info = manifest.get("claim_generator_info")
    if isinstance(info, list) and info and isinstance(info[0], dict) and info[0].get("name"):
        first = info[0]
        version = first.get("version")
        return f"{first['name']} {version}" if version else str(first["name"])
    generator = manifest.get("claim_generator")
    return str(generator) if generator else None


def _failures(store: dict[str, Any], *, ingredients: bool = False) -> list[dict[str, str]]:
    """Return validation failures of the active manifest (or, with `ingredients`, of the
    ingredients: their problems say nothing about whether this file was altered)."""
    results = store.get("validation_results")
    raw: list[Any] = []
    if isinstance(results, dict):
        if ingredients:
            for delta in results.get("ingredientDeltas") or []:
                status = delta.get("validationDeltas") if isinstance(delta, dict) else None
                if isinstance(status, dict):
                    raw.extend(status.get("failure") or [])
        else:
            active = results.get("activeManifest")
            if isinstance(active, dict):
                raw.extend(active.get("failure") or [])
    elif not ingredients:
        raw.extend(store.get("validation_status") or [])
    out: list[dict[str, str]] = []
    for item in raw:
        if isinstance(item, dict) and item.get("code"):
            out.append(
                {
                    "code": str(item["code"]),
                    "explanation": str(item.get("explanation", "")),
                    "url": str(item.get("url", "")),
                }
            )
    return out


def _is_integrity(code: str) -> bool:
    # Hash and signature mismatches mean bytes changed after signing; trust problems
    # (unknown or expired certificate) say nothing about the bytes.
    if code.startswith(_TRUST_PREFIXES):
        return False
    lowered = code.lower()
    return any(word in lowered for word in ("mismatch", "missing", "malformed", "invalid"))


def _trust_words(trust: list[dict[str, str]]) -> str:
    if not trust:
        return "no trust problem reported (no trust list is checked offline)"
    codes = {f["code"] for f in trust}
    if codes == {"signingCredential.untrusted"}:
        return "the signer is not on a trust list (this app checks none offline)"
    return "the signing certificate has problems: " + ", ".join(sorted(codes))
