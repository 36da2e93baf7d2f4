"""The store and its questions: the compiled graph loaded into a SPARQL store, and the
queries (``kg/store/queries/*.rq``) every question command runs against it.

A store is anything with the :class:`kg.store.terms.Backend` interface: the on-disk Oxigraph
store that ``kg build`` writes (kg.store.local), or a SPARQL 1.1 endpoint
(kg.store.endpoint). Both answer with the same :class:`kg.store.terms.Term` values, so a
question gives the same answer from either.
"""
