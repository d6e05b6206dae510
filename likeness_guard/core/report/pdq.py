"""PDQ perceptual hashes for the report; the implementation lives in core.imaging.pdq.

The scan hashes the best frame of a video with the same function, so it sits below both.
"""

from likeness_guard.core.imaging.pdq import MIN_USEFUL_QUALITY, PdqHash, hamming_distance, pdq_hash

__all__ = ["MIN_USEFUL_QUALITY", "PdqHash", "hamming_distance", "pdq_hash"]
