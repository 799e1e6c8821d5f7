"""Security: field encryption of DNA profiles and the hash-chained audit log."""
