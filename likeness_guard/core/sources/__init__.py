"""Where scanned images come from: local folders and files, web addresses."""
