"""Comparing face embeddings with a person's reference faces."""

import numpy as np


def best_references(faces: np.ndarray, references: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each face embedding (N x 512), its best similarity and the index of that reference.

    Embeddings are unit length, so the dot product is the cosine similarity.
    """
    if not len(faces) or not len(references):
        return np.zeros(len(faces), np.float32), np.full(len(faces), -1, np.int64)
    similarities = faces @ references.T
    best = similarities.argmax(axis=1)
    return similarities[np.arange(len(faces)), best].astype(np.float32), best
