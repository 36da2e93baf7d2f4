"""Small corpus texts that several test modules add to tests/corpora/valid."""

#: A claim file whose one claim names an unknown entity ('walkng'): one KG202 at 4:14.
UNKNOWN_ENTITY_CLAIM = """claims:
  - id: walking-lowers-bone-loss
    statement: Walking lowers bone loss.
    subject: walkng
    predicate: decreases
    object: bone-loss
    certainty: suggested
    source: {section: basics, paragraph: 2}
"""
