"""The hashes hash-matching programmes compare, computed from the kept bytes of a file."""

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.imaging.pdq import PdqHash


def stored_pdq(data: bytes | None) -> PdqHash | None:
    """PDQ of the pixels as stored in the file (as Meta's reference and the programmes hash
    them, EXIF orientation ignored); None without bytes or for an undecodable file."""
    if data is None:
        return None
    from likeness_guard.core.imaging.decode import decode_stored
    from likeness_guard.core.imaging.pdq import platform_pdq

    try:
        stored, orientation = decode_stored(data)
    except ImageError:
        return None
    return platform_pdq(stored, orientation).stored
