"""Translations of the interface (.ts sources and compiled .qm files) and the tool that builds them."""
