"""A corpus repository's daily tools: kg init, kg add, kg diff."""
