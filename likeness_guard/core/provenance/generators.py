"""Recognise the generation settings that Stable Diffusion front-ends and services write.

Sources: PNG text chunks (any position), EXIF text fields (UserComment in either IFD, Make and
Model for ComfyUI's animated WebP, Software), XMP (Draw Things) and stealth pixel data. Each
front-end is recognised by its own keys; sd-parsers is asked for prompt and model names where
it can parse the format, and our own extraction fills in where it cannot or fails.
"""

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from likeness_guard.core.domain.synthetic import ProvenanceIndicator, Strength, clip_text
from likeness_guard.core.provenance.model import Effect, Finding
from likeness_guard.core.provenance.vocabulary import credit_phrase, generator_name

log = logging.getLogger(__name__)

# A1111-style settings line: "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, …".
_A1111_KEYS = re.compile(
    r"(?:^|[\s,])(Steps|Sampler|CFG scale|Seed|Size|Model hash|Model|Denoising strength|"
    r"Schedule type|Clip skip|VAE|Hires upscale|Version|Distilled CFG Scale):\s",
)
_A1111_VALUE = r"(?:^|[\s,]){key}:\s*(\"(?:[^\"\\]|\\.)*\"|[^,\n]*)"
_MODEL_INPUTS = ("ckpt_name", "unet_name", "model_name", "lora_name", "base_ckpt_name")
_PROMPT_INPUTS = (
    "text",
    "text_g",
    "text_l",
    "clip_l",
    "t5xxl",
    "prompt",
    "positive",
    "wildcard_text",
)
_MAX_JSON = 16 * 1024 * 1024
# Where front-ends write settings text (PNG keywords, EXIF tags, JPEG comment, XMP fields).
_SETTINGS_KEYS = (
    "parameters",
    "UserComment",
    "Comment",
    "Description",
    "ImageDescription",
    "XPComment",
)
# Free-text fields where services write credit lines such as "AI Generated Image".
_CREDIT_KEYS = (
    "Comment",
    "Description",
    "ImageDescription",
    "Title",
    "XPComment",
    "UserComment",
    "Artist",
    "Copyright",
)


@dataclass
class Detection:
    """A front-end recognised in one metadata source."""

    generator: str
    where: str
    prompt: str | None = None
    negative_prompt: str | None = None
    models: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    raw: str | None = None
    effect: Effect = Effect.GENERATED
    strength: Strength = Strength.STRONG
    summary: str | None = None
    kind: str = "generator_metadata"

    def to_finding(self, kind: str | None = None) -> Finding:
        kind = kind or self.kind
        evidence: dict[str, Any] = {"where": self.where}
        if self.generator:
            evidence["generator"] = self.generator
        if self.prompt:
            evidence["prompt"] = clip_text(self.prompt)
        if self.negative_prompt:
            evidence["negative_prompt"] = clip_text(self.negative_prompt)
        if self.models:
            evidence["models"] = self.models[:20]
        evidence.update(self.details)
        if self.raw is not None:
            evidence["raw"] = clip_text(self.raw)
        if self.summary is not None:
            summary = self.summary
        elif kind == "stealth_metadata":
            summary = (
                f"Image-generation settings from {self.generator} are hidden in the pixels "
                "of this image."
            )
        else:
            summary = f"The file contains image-generation settings written by {self.generator}."
        return Finding(ProvenanceIndicator(kind, self.strength, summary, evidence), self.effect)


@dataclass(frozen=True)
class TextSource:
    """One keyword/text pair to examine, with where it was found."""

    key: str
    text: str
    where: str


def detect_generators(sources: list[TextSource]) -> tuple[list[Detection], list[Finding]]:
    """Return the front-ends recognised in `sources`, and findings for damaged blocks."""
    by_key: dict[str, TextSource] = {}
    for source in sources:
        by_key.setdefault(source.key, source)
    detections: list[Detection] = []
    problems: list[Finding] = []

    def attempt(func: Any, *args: Any) -> None:
        try:
            found = func(*args)
        except Exception as exc:  # every parser is wrapped: one bad block never stops a scan
            log.debug("generator parser %s failed", getattr(func, "__name__", func), exc_info=True)
            problems.append(_unreadable(args[-1] if args else None, exc))
            return
        if found is not None:
            detections.append(found)

    attempt(_comfyui_png, by_key)
    attempt(_invokeai, by_key)
    attempt(_novelai, by_key)
    attempt(_midjourney, by_key)
    attempt(_easy_diffusion, by_key)
    for source in sources:
        if source.key in _SETTINGS_KEYS or source.key.lower() in ("make", "model"):
            attempt(_settings_text, source)
    for source in sources:
        if source.key in ("Software", "CreatorTool") and not detections:
            attempt(_software_name, source)
    for source in sources:
        if source.key in _CREDIT_KEYS:
            attempt(_credit_line, source)
    return _dedupe(detections), problems


def _unreadable(source: object, exc: Exception) -> Finding:
    where = source.where if isinstance(source, TextSource) else "metadata"
    return Finding(
        ProvenanceIndicator(
            kind="unreadable",
            strength=Strength.WEAK,
            summary=f"A metadata block ({where}) is damaged and could not be read.",
            evidence={"block": where, "reason": f"{type(exc).__name__}: {exc}"[:500]},
        )
    )


def _dedupe(detections: list[Detection]) -> list[Detection]:
    out: list[Detection] = []
    seen: set[tuple[str, str, int]] = set()
    for detection in detections:
        key = (detection.generator, detection.where, int(detection.effect))
        if key not in seen:
            seen.add(key)
            out.append(detection)
    return out


def _load_json(text: str) -> Any:
    if len(text) > _MAX_JSON:
        raise ValueError("JSON too large")
    return json.loads(text)


def _maybe_json(text: str) -> Any:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return _load_json(stripped)
    except ValueError:
        return None


# ComfyUI ----------------------------------------------------------------------------------


def _is_comfy_graph(value: Any) -> bool:
    """True for ComfyUI's API prompt: {node_id: {"class_type": …, "inputs": {…}}}."""
    if not isinstance(value, dict) or not value:
        return False
    nodes = [v for v in value.values() if isinstance(v, dict)]
    return bool(nodes) and all("class_type" in v for v in nodes[:50]) and len(nodes) == len(value)


def _comfy_detection(graph: dict[str, Any], where: str, workflow: Any) -> Detection:
    prompts: list[str] = []
    models: list[str] = []
    for node in graph.values():
        inputs = node.get("inputs")
        if not isinstance(inputs, dict):
            continue
        class_type = str(node.get("class_type", ""))
        for key, value in inputs.items():
            # Widgets turned into inputs hold a link [node_id, slot] to a primitive node.
            text = _comfy_value(graph, value)
            if text is None:
                continue
            if key in _MODEL_INPUTS:
                models.append(text)
            elif key in _PROMPT_INPUTS and (
                "Encode" in class_type or "Prompt" in class_type or "Text" in class_type
            ):
                prompts.append(text)
    detection = Detection(
        generator="ComfyUI",
        where=where,
        prompt="\n---\n".join(dict.fromkeys(prompts)) or None,
        models=list(dict.fromkeys(models)),
        details={"node_count": len(graph), "workflow_attached": workflow is not None},
    )
    if isinstance(workflow, dict):  # sd-parsers needs the workflow beside the prompt
        _sd_parsers_fill(detection, "comfyui", {"prompt": graph, "workflow": workflow})
    return detection


def _comfy_value(graph: dict[str, Any], value: Any, hops: int = 3) -> str | None:
    """Return the string an input holds, following links to primitive nodes a few hops."""
    for _ in range(hops):
        if isinstance(value, str):
            return value.strip() or None
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
            return None
        node = graph.get(value[0])
        inputs = node.get("inputs") if isinstance(node, dict) else None
        if not isinstance(inputs, dict):
            return None
        candidates = [inputs[k] for k in ("value", "string", "text", "prompt") if k in inputs]
        if not candidates:
            return None
        value = candidates[0]
    return value.strip() or None if isinstance(value, str) else None


def _comfyui_png(by_key: dict[str, TextSource]) -> Detection | None:
    prompt = by_key.get("prompt")
    workflow = by_key.get("workflow")
    if prompt is not None and prompt.text.lstrip().startswith("{"):
        # A damaged graph raises here and becomes an "unreadable" indicator.
        graph = _load_json(prompt.text)
        if _is_comfy_graph(graph):
            workflow_graph = _maybe_json(workflow.text) if workflow is not None else None
            return _comfy_detection(graph, prompt.where, workflow_graph)
    if workflow is not None:
        graph = _maybe_json(workflow.text)
        if isinstance(graph, dict) and "nodes" in graph:
            # A graph export (or a screenshot of the editor) carries only the workflow: it
            # shows someone used ComfyUI, not that this picture came out of it.
            return Detection(
                generator="ComfyUI",
                where=workflow.where,
                effect=Effect.NONE,
                strength=Strength.WEAK,
                details={"workflow_only": True},
                summary="A ComfyUI workflow is attached, but no generation prompt: this is "
                "how ComfyUI saves editor graphs, so it does not show the picture was "
                "generated.",
            )
    return None


# A1111, Forge, Civitai, Fooocus, SwarmUI ---------------------------------------------------


def _settings_text(source: TextSource) -> Detection | None:
    text = source.text.strip()
    lowered_key = source.key.lower()
    # ComfyUI's animated WebP: "prompt:{json}" in EXIF Model, "workflow:{json}" in Make.
    prefix, sep, rest = text.partition(":")
    if sep and prefix.strip().lower() in ("prompt", "workflow") and rest.lstrip().startswith("{"):
        graph = _maybe_json(rest)
        if prefix.strip().lower() == "prompt" and _is_comfy_graph(graph):
            return _comfy_detection(graph, source.where, None)
        return None
    if lowered_key in ("make", "model"):
        return None
    data = _maybe_json(text)
    if isinstance(data, dict):
        return _settings_json(data, source)
    if _looks_like_a1111(text):
        return _a1111(text, source)
    return None


def _looks_like_a1111(text: str) -> bool:
    keys = {m.group(1) for m in _A1111_KEYS.finditer(text[-4000:])}
    return len(keys) >= 2 and ("Steps" in keys or "Sampler" in keys or "Seed" in keys)


def _a1111_value(text: str, key: str) -> str | None:
    match = re.search(_A1111_VALUE.format(key=re.escape(key)), text)
    if not match:
        return None
    return match.group(1).strip().strip('"') or None


def _a1111(text: str, source: TextSource) -> Detection:
    lines = text.split("\n")
    settings_at = len(lines) - 1
    for i in range(len(lines) - 1, -1, -1):
        if _A1111_KEYS.search(lines[i]) and lines[i].lstrip().startswith(
            ("Steps:", "Sampler:", "Seed:")
        ):
            settings_at = i
            break
    head = "\n".join(lines[:settings_at])
    prompt, _, negative = head.partition("Negative prompt:")
    settings = "\n".join(lines[settings_at:])
    version = _a1111_value(settings, "Version") or ""
    if "Civitai resources" in text or "Civitai metadata" in text:
        generator = "Civitai"
    elif version.startswith("Fooocus") or "Fooocus" in settings:
        generator = "Fooocus"
    elif version.startswith("f") and version[1:2].isdigit():
        generator = "Stable Diffusion WebUI Forge"
    elif "ComfyUI" in settings:
        generator = "ComfyUI"
    else:
        generator = "Stable Diffusion web UI (AUTOMATIC1111 or compatible)"
    models = [m for m in (_a1111_value(settings, "Model"),) if m]
    details: dict[str, Any] = {}
    for key in ("Model hash", "Seed", "Steps", "Sampler", "CFG scale", "Size", "Version"):
        value = _a1111_value(settings, key)
        if value:
            details[key.lower().replace(" ", "_")] = value
    detection = Detection(
        generator=generator,
        where=source.where,
        prompt=prompt.strip() or None,
        negative_prompt=negative.strip() or None,
        models=models,
        details=details,
        raw=text,
    )
    _sd_parsers_fill(detection, "a1111", {"parameters": text})
    return detection


def _settings_json(data: dict[str, Any], source: TextSource) -> Detection | None:
    version = str(data.get("version", ""))
    if (
        version.startswith("Fooocus")
        or "fooocus_scheme" in data
        or "Fooocus" in str(data.get("software", ""))
    ):
        detection = Detection(
            generator="Fooocus",
            where=source.where,
            prompt=_str(data.get("prompt") or data.get("full_prompt")),
            negative_prompt=_str(data.get("negative_prompt")),
            models=[
                m
                for m in (_str(data.get("base_model")), _str(data.get("refiner_model")))
                if m and m != "None"
            ],
            details={"version": version} if version else {},
        )
        _sd_parsers_fill(detection, "fooocus", {"parameters": json.dumps(data)})
        return detection
    params = data.get("sui_image_params")
    if isinstance(params, dict):
        return _SWARMUI.detection(params, source.where)
    if "prompt" in data and _is_comfy_graph(data.get("prompt")):
        return _comfy_detection(data["prompt"], source.where, data.get("workflow"))
    if isinstance(data.get("prompt"), str) and _is_comfy_graph(_maybe_json(data["prompt"])):
        return _comfy_detection(_maybe_json(data["prompt"]), source.where, data.get("workflow"))
    if _is_comfy_graph(data):
        return _comfy_detection(data, source.where, None)
    # Civitai's on-site generator writes A1111 text inside a JSON wrapper on some JPEGs.
    for key in ("parameters", "extraMetadata"):
        inner = data.get(key)
        if isinstance(inner, str) and _looks_like_a1111(inner):
            return _a1111(inner, source)
    # Draw Things (XMP exif:UserComment): {"c": prompt, "model": …, "sampler": …}.
    if "c" in data and ("model" in data or "sampler" in data) and "seed" in data:
        return _DRAW_THINGS.detection(data, source.where)
    # NovelAI's Comment JSON (also the stealth payload's inner Comment).
    if "uc" in data and ("sampler" in data or "steps" in data) and "prompt" in data:
        return _NOVELAI_JSON.detection(data, source.where)
    if "Comment" in data and ("Software" in data or "Source" in data):
        by_key = {
            k: TextSource(k, v if isinstance(v, str) else json.dumps(v), source.where)
            for k, v in data.items()
        }
        return _novelai(by_key)
    return None


@dataclass(frozen=True)
class _JsonKeys:
    """Where a front-end that writes its settings as one JSON object puts them."""

    generator: str
    prompt: str
    negative_prompt: str
    model: str | None = None
    details: tuple[str, ...] = ()

    def detection(self, data: Mapping[str, Any], where: str) -> Detection:
        """The detection that `data`, found at `where`, makes."""
        model = None if self.model is None else _str(data.get(self.model))
        return Detection(
            generator=self.generator,
            where=where,
            prompt=_str(data.get(self.prompt)),
            negative_prompt=_str(data.get(self.negative_prompt)),
            models=[model] if model else [],
            details={k: data[k] for k in self.details if k in data},
        )


_SWARMUI = _JsonKeys("SwarmUI", "prompt", "negativeprompt", "model")
_DRAW_THINGS = _JsonKeys("Draw Things", "c", "uc", "model", ("sampler", "seed", "steps", "size"))
_NOVELAI_JSON = _JsonKeys("NovelAI", "prompt", "uc", None, ("seed", "steps", "sampler"))


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


# InvokeAI, NovelAI, Midjourney, Easy Diffusion ---------------------------------------------


def _invokeai(by_key: dict[str, TextSource]) -> Detection | None:
    meta = by_key.get("invokeai_metadata")
    if meta is not None:
        data = _load_json(meta.text)
        model = data.get("model") if isinstance(data, dict) else None
        model_name = model.get("name") if isinstance(model, dict) else _str(model)
        detection = Detection(
            generator="InvokeAI",
            where=meta.where,
            prompt=_str(data.get("positive_prompt")) if isinstance(data, dict) else None,
            negative_prompt=_str(data.get("negative_prompt")) if isinstance(data, dict) else None,
            models=[model_name] if model_name else [],
        )
        return detection
    legacy = by_key.get("sd-metadata")
    if legacy is not None:
        data = _load_json(legacy.text)
        image = data.get("image") if isinstance(data, dict) else None
        prompt = image.get("prompt") if isinstance(image, dict) else None
        if isinstance(prompt, list):
            prompt = " ".join(str(p.get("prompt", "")) for p in prompt if isinstance(p, dict))
        model = data.get("model_weights") if isinstance(data, dict) else None
        return Detection(
            generator="InvokeAI",
            where=legacy.where,
            prompt=_str(prompt),
            models=[model] if isinstance(model, str) else [],
        )
    dream = by_key.get("Dream")
    if dream is not None:
        match = re.match(r'^\s*"(.*?)"(.*)$', dream.text, re.S)
        return Detection(
            generator="InvokeAI",
            where=dream.where,
            prompt=match.group(1) if match else dream.text,
            raw=dream.text,
        )
    graph = by_key.get("invokeai_graph")
    if graph is not None:
        return Detection(generator="InvokeAI", where=graph.where, raw=graph.text)
    return None


def _novelai(by_key: dict[str, TextSource]) -> Detection | None:
    software = by_key.get("Software")
    source = by_key.get("Source")
    comment = by_key.get("Comment")
    named = software is not None and "novelai" in software.text.lower()
    if not named and not (source is not None and "novelai" in source.text.lower()):
        return None
    data = _maybe_json(comment.text) if comment is not None else None
    data = data if isinstance(data, dict) else {}
    description = by_key.get("Description")
    where = (comment or software or source or description or TextSource("", "", "metadata")).where
    return Detection(
        generator="NovelAI",
        where=where,
        prompt=_str(data.get("prompt")) or (description.text if description else None),
        negative_prompt=_str(data.get("uc")),
        models=[source.text] if source is not None else [],
        details={k: data[k] for k in ("seed", "steps", "sampler") if k in data},
    )


def _midjourney(by_key: dict[str, TextSource]) -> Detection | None:
    description = by_key.get("Description")
    if description is None or "Job ID:" not in description.text:
        return None
    prompt, _, job = description.text.partition("Job ID:")
    return Detection(
        generator="Midjourney",
        where=description.where,
        prompt=prompt.strip() or None,
        details={"job_id": job.strip()[:80]},
    )


def _easy_diffusion(by_key: dict[str, TextSource]) -> Detection | None:
    model = by_key.get("use_stable_diffusion_model") or by_key.get(
        "use_stable_diffusion_model".title()
    )
    if model is None:
        return None
    prompt = by_key.get("prompt")
    return Detection(
        generator="Easy Diffusion",
        where=model.where,
        prompt=prompt.text if prompt is not None else None,
        models=[model.text],
    )


def _software_name(source: TextSource) -> Detection | None:
    name = generator_name(source.text)
    if name is None:
        return None
    return Detection(
        generator=name,
        where=source.where,
        details={"field": source.key, "value": source.text[:200]},
        summary=f"The file says it was made with {name}, an AI image generator.",
    )


def _credit_line(source: TextSource) -> Detection | None:
    phrase = credit_phrase(source.text)
    if phrase is None:
        return None
    return Detection(
        generator="",
        where=source.where,
        details={"field": source.key, "value": clip_text(source.text, 500), "phrase": phrase[0]},
        effect=phrase[1],
        strength=Strength.DECLARED,
        summary=f'The file\'s metadata says "{phrase[0]}".',
        kind="credit_line",
    )


# sd-parsers -------------------------------------------------------------------------------


def _sd_parsers_fill(detection: Detection, which: str, parameters: dict[str, Any]) -> None:
    """Fill prompt and model names from sd-parsers where our own reading found none.

    sd-parsers raises on some inputs instead of returning None, and `.models` raises
    TypeError on some ComfyUI graphs, so every call is wrapped.
    """
    if detection.prompt and detection.models:
        return
    try:
        from sd_parsers import parsers

        parser_class: Any = {
            "a1111": parsers.AUTOMATIC1111Parser,
            "comfyui": parsers.ComfyUIParser,
            "fooocus": parsers.FooocusParser,
        }[which]
        info = parser_class().parse(dict(parameters))
        prompt = info.full_prompt
        models = [str(m.name) for m in info.models if getattr(m, "name", None)]
    except Exception:
        log.debug("sd-parsers could not parse %s metadata", which, exc_info=True)
        return
    if not detection.prompt and isinstance(prompt, str) and prompt.strip():
        detection.prompt = prompt.strip()
        detection.details["prompt_read_by"] = "sd-parsers"
    if not detection.models and models:
        detection.models = models
        detection.details["models_read_by"] = "sd-parsers"


def detect_in_text(text: str, where: str) -> Detection | None:
    """Return the front-end whose settings `text` holds (A1111 text or a known JSON), or None."""
    return _settings_text(TextSource("parameters", text, where))
