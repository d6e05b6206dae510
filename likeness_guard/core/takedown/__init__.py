"""Takedown: notices to the sites that show the images (one per site, as a PDF, text and
email drafts), the directory of where each platform takes reports, and re-checks of
whether the images are still online."""
