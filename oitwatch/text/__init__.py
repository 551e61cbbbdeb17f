"""Thai text handling: normalisation before matching, and reading years and periods."""
