"""Pure text functions: Thai normalisation, reading years and periods, and URLs (normalised, resolved, compared)."""
