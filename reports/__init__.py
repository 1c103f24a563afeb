"""Renderers: each turns data it is given into text, and does no I/O."""
