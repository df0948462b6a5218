"""Readers of official file formats (INSEE, DGCL, SIRENE, URSSAF), the project's I/O edge."""
