"""Tests for the sources of images to scan: folders, files and web addresses."""
