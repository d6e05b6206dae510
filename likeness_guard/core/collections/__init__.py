"""Collections analysed once: every face of a large set of images, kept for many cases."""
