"""pandera models for every staging and mart table, and the code lists they check against."""
