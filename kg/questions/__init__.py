"""The questions: lookups, filters, chains, the views that render answers, the audit."""
