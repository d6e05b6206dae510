"""Find and parse XMP packets safely, and read the IPTC/XMP fields that declare AI."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from likeness_guard.core.domain.synthetic import ProvenanceIndicator, Strength
from likeness_guard.core.provenance.generators import TextSource
from likeness_guard.core.provenance.model import Effect, Finding, unreadable
from likeness_guard.core.provenance.vocabulary import (
    credit_phrase,
    generator_name,
    source_type_meaning,
)

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
MAX_PACKETS = 8
MAX_PACKET_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 200
MAX_PROPERTIES = 5000
_PACKET_START = re.compile(rb"<x:xmpmeta|<x:xapmeta|<rdf:RDF")
_PACKET_END = {
    b"<x:xmpmeta": b"</x:xmpmeta>",
    b"<x:xapmeta": b"</x:xapmeta>",
    b"<rdf:RDF": b"</rdf:RDF>",
}
# Fields whose text is free prose where services write credit lines.
_PROSE_FIELDS = {"credit", "description", "title", "creditline", "rights", "headline", "source"}
_TOOL_FIELDS = {"creatortool", "softwareagent", "software", "generator", "aitool"}


@dataclass(frozen=True)
class XmpProperty:
    """One XMP property value: namespace, local name, text."""

    namespace: str
    name: str
    value: str


def scan_for_packets(data: bytes) -> list[bytes]:
    """Return XMP packets found anywhere in `data` (for containers we do not walk).

    Linear in the size of `data`: where each kind of closing tag next occurs is looked up
    once and remembered, so a file full of opening tags without their closing tag (which
    made this search quadratic: 445 s for 4 MB) costs one pass.
    """
    packets: list[bytes] = []
    pos = 0
    # For each closing tag, its first occurrence at or after the position last searched
    # from (-1: none in the rest of the data).
    next_closer: dict[bytes, tuple[int, int]] = {}
    while len(packets) < MAX_PACKETS:
        match = _PACKET_START.search(data, pos)
        if match is None:
            break
        closer = _PACKET_END[match.group(0)]
        searched_from, found = next_closer.get(closer, (-1, -1))
        if searched_from < 0 or 0 <= found < match.end():
            found = data.find(closer, match.end())
            next_closer[closer] = (match.end(), found)
        if found < 0 or found + len(closer) > match.start() + MAX_PACKET_BYTES:
            pos = match.end()  # no closing tag after it (or too far): not a packet
            continue
        end = found
        packets.append(data[match.start() : end + len(closer)])
        # Continue after the packet, so its own rdf:RDF is not taken for a second packet.
        pos = end + len(closer)
    return packets


def parse_xmp(packet: bytes) -> list[XmpProperty]:
    """Return the properties of one XMP packet; raise ValueError if it is not valid XML.

    defusedxml refuses entity expansion and external references, so a hostile packet cannot
    make us read files, fetch URLs or blow up memory.
    """
    from defusedxml import ElementTree

    start = packet.find(b"<")
    if start < 0:
        raise ValueError("no XML in the XMP packet")
    text = packet[start:].rstrip(b"\x00 \r\n\t")
    # A packet cut out of its xpacket wrapper may start with the processing instruction only.
    try:
        root = ElementTree.fromstring(text)
    except Exception as exc:  # ParseError, DefusedXmlException, ValueError
        raise ValueError(f"the XMP packet is not valid XML ({type(exc).__name__})") from exc
    found: list[XmpProperty] = []
    _walk(root, found)
    return found


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _walk(root: Any, out: list[XmpProperty]) -> None:
    """Collect the properties under `root`, depth first, without recursion.

    Raises ValueError when the elements are nested deeper than MAX_DEPTH (real XMP uses
    about ten levels; a hostile packet used thousands to exhaust Python's stack).
    """
    stack: list[tuple[Any, tuple[str, str] | None, int]] = [(root, None, 0)]
    while stack and len(out) <= MAX_PROPERTIES:
        element, prop, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"the XMP packet is nested more than {MAX_DEPTH} levels deep")
        namespace, local = _split(str(element.tag))
        if namespace != _RDF and namespace != "adobe:ns:meta/":
            prop = (namespace, local)
        for key, value in element.attrib.items():
            a_ns, a_local = _split(str(key))
            if a_ns == _RDF:
                if a_local == "resource" and prop is not None:
                    out.append(XmpProperty(prop[0], prop[1], str(value)))
                continue
            if a_ns in ("", "http://www.w3.org/XML/1998/namespace"):
                continue
            out.append(XmpProperty(a_ns, a_local, str(value)))
        children = list(element)
        text = (element.text or "").strip()
        if not children and text and prop is not None:
            out.append(XmpProperty(prop[0], prop[1], text))
        # Reversed, so that the first child is taken next: the same order as before.
        stack.extend((child, prop, depth + 1) for child in reversed(children))


def xmp_findings(props: list[XmpProperty], where: str) -> list[Finding]:
    """Return findings for IPTC digital source types, AI credit lines and generator tools."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for prop in props:
        name = prop.name.lower()
        value = prop.value.strip()
        if not value:
            continue
        if name == "digitalsourcetype":
            meaning = source_type_meaning(value)
            if meaning is None or ("dst", meaning[0]) in seen:
                continue
            seen.add(("dst", meaning[0]))
            code, effect, description = meaning
            if effect is Effect.NONE:
                summary = f"The file's IPTC metadata says it is {description}."
            else:
                summary = f"The file's IPTC metadata says this image was {description}."
            findings.append(
                Finding(
                    ProvenanceIndicator(
                        kind="iptc_digital_source_type",
                        strength=Strength.DECLARED,
                        summary=summary,
                        evidence={"digital_source_type": value, "code": code, "where": where},
                    ),
                    effect,
                )
            )
        elif name in _TOOL_FIELDS:
            tool = generator_name(value)
            if tool is None or ("tool", tool) in seen:
                continue
            seen.add(("tool", tool))
            # A history entry (softwareAgent) names a tool that touched the file; CreatorTool
            # names the tool that made it.
            effect = Effect.GENERATED if name != "softwareagent" else Effect.EDITED
            verb = "made" if effect is Effect.GENERATED else "processed"
            findings.append(
                Finding(
                    ProvenanceIndicator(
                        kind="xmp_creator_tool",
                        strength=Strength.STRONG,
                        summary=f"The file's metadata says it was {verb} with {tool}, an AI "
                        "image generator.",
                        evidence={
                            "field": prop.name,
                            "value": value,
                            "generator": tool,
                            "where": where,
                        },
                    ),
                    effect,
                )
            )
        elif name in _PROSE_FIELDS:
            phrase = credit_phrase(value)
            if phrase is None or ("credit", phrase[0].lower()) in seen:
                continue
            seen.add(("credit", phrase[0].lower()))
            findings.append(
                Finding(
                    ProvenanceIndicator(
                        kind="credit_line",
                        strength=Strength.DECLARED,
                        summary=f'The file\'s metadata says "{phrase[0]}".',
                        evidence={"field": prop.name, "value": value, "where": where},
                    ),
                    phrase[1],
                )
            )
    return findings


def packet_sources(
    packets: Iterable[tuple[str, bytes]], findings: list[Finding]
) -> list[TextSource]:
    """Read XMP packets: their findings go to `findings`; returns the text fields where
    generators leave settings (Draw Things: JSON in exif:UserComment, A1111-style text in
    dc:description), for the generator detection."""
    sources: list[TextSource] = []
    for where, packet in packets:
        try:
            props = parse_xmp(packet)
        except ValueError as exc:
            findings.append(unreadable("An XMP metadata block is damaged.", where, exc))
            continue
        findings.extend(xmp_findings(props, where))
        for prop in props:
            if prop.name in ("UserComment", "description", "parameters"):
                key = "UserComment" if prop.name != "description" else "Description"
                sources.append(TextSource(key, prop.value, f"{where} ({prop.name})"))
    return sources
