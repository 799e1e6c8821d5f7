"""``python -m homeward`` runs the command line."""

from homeward.cli import main

main()
