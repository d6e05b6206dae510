"""Words that mark AI: the IPTC digital source types, generator names and credit phrases."""

import re

from likeness_guard.core.provenance.model import Effect

# IPTC "Digital Source Type" NewsCodes (http://cv.iptc.org/newscodes/digitalsourcetype/), by
# the code's last path segment, lower-cased. Each maps to what it means for our status and a
# plain description. Decisions:
# - algorithmicMedia ("created purely by an algorithm, not based on sampled training data")
#   counts as generated: it is synthetic, even if not "AI" in the narrow sense.
# - compositeWithTrainedAlgorithmicMedia and compositeSynthetic mean a real picture mixed with
#   generated parts (inpainting, face swaps, generative fill): AI-edited.
# - algorithmicallyEnhanced ("minor augmentation or correction by algorithm") also counts as
#   AI-edited: the pixels were changed by an algorithm after capture, and a person looking at
#   a picture of themselves needs to know that; the summary says it may be a minor change.
DIGITAL_SOURCE_TYPES: dict[str, tuple[Effect, str]] = {
    "trainedalgorithmicmedia": (Effect.GENERATED, "made by generative AI"),
    "algorithmicmedia": (Effect.GENERATED, "made entirely by a computer algorithm"),
    "compositewithtrainedalgorithmicmedia": (
        Effect.EDITED,
        "a picture combined with parts made by generative AI",
    ),
    "compositesynthetic": (Effect.EDITED, "a composite that includes synthetic parts"),
    "algorithmicallyenhanced": (
        Effect.EDITED,
        "changed by an algorithm after capture (possibly a minor correction)",
    ),
    "datadrivenmedia": (Effect.NONE, "created from data (for example a chart)"),
    "digitalcapture": (Effect.NONE, "captured by a digital camera"),
    "computationalcapture": (Effect.NONE, "captured by a camera with computational processing"),
    "negativefilm": (Effect.NONE, "scanned from a film negative"),
    "positivefilm": (Effect.NONE, "scanned from a slide"),
    "print": (Effect.NONE, "scanned from a print"),
    "minorhumanedits": (Effect.NONE, "a capture with minor edits by a person"),
    "humanedits": (Effect.NONE, "a capture edited by a person"),
    "compositecapture": (Effect.NONE, "a composite of several captures"),
    "composite": (Effect.NONE, "a composite of several pictures"),
    "digitalcreation": (Effect.NONE, "drawn or made digitally by a person"),
    "digitalart": (Effect.NONE, "drawn or made digitally by a person"),
    "screencapture": (Effect.NONE, "a screenshot"),
    "virtualrecording": (Effect.NONE, "a recording of a virtual scene"),
    "softwareimage": (Effect.NONE, "an image made with software"),
}

# Products that generate images, as they appear in claim generators, software agents,
# CreatorTool and Software fields. Matched as lower-case substrings; each entry is
# (pattern, display name). Generic words ("Google", "Adobe", "Microsoft") are deliberately
# absent: their cameras and editors write the same fields for real photos.
GENERATOR_NAMES: tuple[tuple[str, str], ...] = (
    ("chatgpt", "ChatGPT (OpenAI)"),
    ("openai", "OpenAI"),
    ("dall-e", "DALL·E (OpenAI)"),
    ("dall·e", "DALL·E (OpenAI)"),
    ("dalle", "DALL·E (OpenAI)"),
    ("sora", "Sora (OpenAI)"),
    ("gpt-4o", "ChatGPT (OpenAI)"),
    ("bing image creator", "Bing Image Creator (Microsoft)"),
    ("image creator from microsoft", "Bing Image Creator (Microsoft)"),
    ("microsoft_responsible_ai", "Microsoft Responsible AI"),
    ("microsoft designer", "Microsoft Designer"),
    ("copilot", "Microsoft Copilot"),
    ("firefly", "Adobe Firefly"),
    ("gemini", "Google Gemini"),
    ("google ai", "Google AI"),
    ("midjourney", "Midjourney"),
    ("stable diffusion", "Stable Diffusion"),
    ("stablediffusion", "Stable Diffusion"),
    ("stability ai", "Stability AI"),
    ("dreamstudio", "DreamStudio"),
    ("novelai", "NovelAI"),
    ("comfyui", "ComfyUI"),
    ("invokeai", "InvokeAI"),
    ("fooocus", "Fooocus"),
    ("draw things", "Draw Things"),
    ("automatic1111", "AUTOMATIC1111"),
    ("leonardo.ai", "Leonardo.Ai"),
    ("ideogram", "Ideogram"),
    ("runwayml", "Runway"),
    ("black forest labs", "FLUX (Black Forest Labs)"),
    ("flux.1", "FLUX (Black Forest Labs)"),
    ("grok", "Grok (xAI)"),
    ("meta ai", "Meta AI"),
    ("imagine with meta", "Meta AI"),
    ("civitai", "Civitai"),
    ("tensor.art", "Tensor.Art"),
    ("nightcafe", "NightCafe"),
    ("craiyon", "Craiyon"),
    ("playground ai", "Playground AI"),
    ("seaart", "SeaArt"),
)

# Whole-word matching, so that a name never matches inside another word. "Imagen" is left
# out on purpose: "Imagen AI" is also a photo-editing service used on real photographs.
_GENERATOR_PATTERNS = tuple(
    (re.compile(rf"(?<![a-z0-9]){re.escape(pattern)}(?![a-z0-9])"), name)
    for pattern, name in GENERATOR_NAMES
)

# Sentences that services write into descriptions and credit lines. Each is (pattern, effect).
CREDIT_PHRASES: tuple[tuple[re.Pattern[str], Effect], ...] = (
    (re.compile(r"\bai[- ]generated (image|content|picture|photo)\b", re.I), Effect.GENERATED),
    (
        re.compile(r"\bgenerated (by|with|using) (an? )?(ai|artificial intelligence)\b", re.I),
        Effect.GENERATED,
    ),
    (re.compile(r"\bmade with google ai\b", re.I), Effect.GENERATED),
    (re.compile(r"\bimagined with ai\b", re.I), Effect.GENERATED),
    (
        re.compile(r"\bcreated (by|with|using) (an? )?(ai|artificial intelligence)\b", re.I),
        Effect.GENERATED,
    ),
    (re.compile(r"\bedited with (google )?ai\b", re.I), Effect.EDITED),
    (re.compile(r"\bai[- ]edited\b", re.I), Effect.EDITED),
)


def source_type_meaning(value: str) -> tuple[str, Effect, str] | None:
    """Return (code, effect, description) for an IPTC digital source type value, else None."""
    code = value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    known = DIGITAL_SOURCE_TYPES.get(code.lower())
    if known is None:
        return None
    return code, known[0], known[1]


def generator_name(text: str) -> str | None:
    """Return the display name of a known image generator mentioned in `text`, else None."""
    lowered = text.lower()
    for pattern, name in _GENERATOR_PATTERNS:
        if pattern.search(lowered):
            return name
    return None


def credit_phrase(text: str) -> tuple[str, Effect] | None:
    """Return (matched phrase, effect) if `text` says the image was made or edited by AI."""
    for pattern, effect in CREDIT_PHRASES:
        match = pattern.search(text)
        if match:
            return match.group(0), effect
    return None
