"""Image decoding (full and scaled for display), format sniffing and the one blur policy."""
