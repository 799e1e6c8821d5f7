"""Demonstrations that show Homeward working on synthetic, seeded data."""
