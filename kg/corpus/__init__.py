"""The corpus: the model, YAML and BibTeX reading, the schema and the closed vocabularies."""
