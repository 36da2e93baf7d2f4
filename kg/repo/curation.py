"""Curation helpers behind `kg add`: a study from its DOI (Crossref) or PMID (PubMed
E-utilities), written as a BibTeX entry and a studies.yaml stub; an entity appended to
entities.yaml, with CURIE prefix suggestions from the offline Bioregistry snapshot.

Only ``fetch_work`` touches the network, through ``http_get`` (tests replace it with
recorded responses). Writes append text, so comments and formatting stay as they were.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.root import BIB_FILE, CLAIMS_DIR

CROSSREF = "https://api.crossref.org/works/"
EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi?db=pubmed&retmode=json&id="
TIMEOUT = 15.0
#: the placeholder a stub's fields hold until a curator fills them in (kg validate flags it)
TODO = "TODO"

_TITLE_STOP = frozenset("a an the of in on and for with to from by at is are as".split())


class Offline(KgError):
    """The bibliographic service cannot be reached (no network, DNS, timeout)."""


@dataclass(frozen=True, slots=True)
class Work:
    """A published work, as a bibliographic service describes it."""

    title: str
    authors: tuple[tuple[str, str], ...]  # (family, given)
    year: str | None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    source: str = ""  # "crossref" or "pubmed"


def http_get(url: str) -> bytes:
    """GET ``url``; Offline when the service cannot be reached, KgError on an HTTP error
    other than 404 (which is KgError "not found")."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        agent = f"kg/{version('kg')}"
    except PackageNotFoundError:
        agent = "kg"
    request = urllib.request.Request(url, headers={"User-Agent": agent,
                                                   "Accept": "application/json"})
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise KgError(f"{host} has no record of it (HTTP 404)") from None
        raise KgError(f"{host} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Offline(f"offline: cannot reach {host} ({reason}); kg add study needs the "
                      "network to look the work up; add the BibTeX entry and the "
                      "studies.yaml record by hand, or try again online") from None


def _clean(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(text.replace("{", "").replace("}", "").split())


def _pages(pages: str | None) -> str | None:
    if not pages:
        return None
    return re.sub(r"\s*[-–—]+\s*", "--", pages.strip())


def from_crossref(data: dict[str, Any]) -> Work:
    """A Work from a Crossref ``/works/DOI`` response."""
    m = data.get("message") or {}
    title = _clean((m.get("title") or [""])[0])
    authors = tuple((_clean(a.get("family", "")), _clean(a.get("given", "")))
                    for a in m.get("author", []) if a.get("family"))
    year = None
    for field in ("published-print", "published", "issued", "published-online"):
        parts = (m.get(field) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            year = str(parts[0][0])
            break
    journal = _clean((m.get("container-title") or [""])[0]) or None
    return Work(title, authors, year, journal, m.get("volume"), m.get("issue"),
                _pages(m.get("page")), (m.get("DOI") or "").lower() or None, None, "crossref")


def from_pubmed(data: dict[str, Any], pmid: str) -> Work:
    """A Work from a PubMed E-utilities ``esummary`` (JSON) response."""
    result = (data.get("result") or {}).get(pmid)
    if not result or "error" in result:
        raise KgError(f"PubMed has no record of PMID {pmid}")
    authors = []
    for a in result.get("authors", []):
        if a.get("authtype", "Author") != "Author":
            continue
        words = a.get("name", "").split()
        if len(words) > 1 and words[-1] in ("Jr", "Sr", "II", "III", "IV"):
            words.pop()
        if not words:
            continue
        family = " ".join(words[:-1]) if len(words) > 1 else words[0]
        initials = words[-1] if len(words) > 1 else ""
        authors.append((family, " ".join(f"{c}." for c in initials)))
    year_match = re.match(r"(\d{4})", result.get("pubdate", "") or "")
    doi = next((i["value"] for i in result.get("articleids", [])
                if i.get("idtype") == "doi"), None)
    journal = result.get("fulljournalname") or result.get("source")
    return Work(_clean(result.get("title", "")).rstrip("."), tuple(authors),
                year_match.group(1) if year_match else None,
                _clean(journal) if journal else None, result.get("volume") or None,
                result.get("issue") or None, _pages(result.get("pages")),
                doi.lower() if doi else None, pmid, "pubmed")


def fetch_work(doi: str | None = None, pmid: str | None = None) -> Work:
    """Look a work up by DOI (Crossref) or PMID (PubMed). Offline when unreachable."""
    if doi:
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I)
        if not re.match(r"^10\.\d{4,9}/\S+$", doi):
            raise KgError(f"'{doi}' is not a DOI (10.NNNN/...)")
        raw = http_get(CROSSREF + urllib.parse.quote(doi, safe="/()"))
        return from_crossref(_json(raw, "Crossref"))
    if pmid:
        pmid = pmid.strip()
        if not pmid.isdigit():
            raise KgError(f"'{pmid}' is not a PMID (digits)")
        return from_pubmed(_json(http_get(EUTILS + pmid), "PubMed"), pmid)
    raise KgError("give --doi or --pmid")


def _json(raw: bytes, service: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise KgError(f"{service} answered something that is not JSON") from None
    if not isinstance(data, dict):
        raise KgError(f"{service} answered an unexpected JSON document")
    return data


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


def bibtex_key(work: Work, taken: set[str]) -> str:
    """``family name + year + first significant title word``, as the corpus's keys are
    (``kwan2021lifestyle``); a letter is added when the key is taken."""
    family = _ascii(work.authors[0][0]) if work.authors else "anon"
    word = next((w for w in (_ascii(t) for t in work.title.split())
                 if w and w not in _TITLE_STOP), "work")
    base = f"{family or 'anon'}{work.year or ''}{word}"
    key, n = base, 0
    while key in taken:
        n += 1
        key = base + "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * (1 + (n - 1) // 26)
    return key


def bibtex_entry(key: str, work: Work) -> str:
    authors = " and ".join(f"{f}, {g}" if g else f for f, g in work.authors)
    fields = [("author", authors), ("title", work.title), ("journal", work.journal),
              ("year", work.year), ("volume", work.volume), ("number", work.issue),
              ("pages", work.pages), ("doi", work.doi), ("pmid", work.pmid)]
    body = ",\n".join(f"  {name:<7} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{key},\n{body}\n}}\n"


def study_stub(key: str, work: Work, design: str | None) -> str:
    source = (f"Crossref record of DOI {work.doi}" if work.source == "crossref"
              else f"PubMed record of PMID {work.pmid}")
    return (f"  {key}:\n"
            "    # added by `kg add study`: fill in the design, population and findings\n"
            f"    design: {design or TODO}\n"
            f"    population: {TODO}\n"
            f"    findings: {TODO}\n"
            f"    verified: {_flow_item(source + ' (identifiers and authors, by kg add study)')}\n")


@dataclass(frozen=True, slots=True)
class Added:
    key: str
    work: Work
    bib_line: int
    study_line: int


def _append(path: Path, text: str) -> int:
    """Append ``text`` to ``path`` on a line of its own; the 1-based line it starts on."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    sep = "\n" if path.suffix == ".bib" and old.strip() else ""
    new = old + sep + text
    path.write_text(new, encoding="utf-8")
    return old.count("\n") + sep.count("\n") + 1


def add_study(root: Path, work: Work, design: str | None = None) -> Added:
    """Append ``work`` to references.bib and a stub to claims/studies.yaml. KgError when
    its DOI or PMID is already in references.bib."""
    from kg.corpus.bibtex import parse_bibtex

    bib = root / BIB_FILE
    refs, _diags, broken = parse_bibtex(bib.read_text(encoding="utf-8"), BIB_FILE)
    for key, ref in refs.items():
        if work.doi and ref.fields.get("doi", "").lower() == work.doi:
            raise KgError(f"references.bib already has DOI {work.doi}, as '{key}'")
        if work.pmid and ref.fields.get("pmid", "") == work.pmid:
            raise KgError(f"references.bib already has PMID {work.pmid}, as '{key}'")
    studies = root / CLAIMS_DIR / "studies.yaml"
    text = studies.read_text(encoding="utf-8") if studies.exists() else "studies:\n"
    empty = re.compile(r"^studies:[ \t]*\{\s*\}[ \t]*(#.*)?$", re.M)
    if empty.search(text):
        text = empty.sub("studies:", text, count=1)
    if not re.search(r"^studies:", text, re.M):
        raise KgError(f"{studies}: no top-level 'studies:' to add the record to")
    studies.write_text(text, encoding="utf-8")
    key = bibtex_key(work, set(refs) | broken)
    bib_line = _append(bib, bibtex_entry(key, work))
    study_line = _append(studies, study_stub(key, work, design))
    return Added(key, work, bib_line, study_line + 2)


# -- entities -------------------------------------------------------------------------------

#: Prefixes often used for each kind of entity, most useful first (only those in the
#: Bioregistry snapshot are suggested).
KIND_PREFIXES: dict[str, tuple[str, ...]] = {
    "behaviour": ("ncit", "mesh", "efo"),
    "cell": ("cl", "mesh"),
    "chemical": ("chebi", "mesh", "pubchem.compound"),
    "disease": ("mondo", "doid", "mesh", "hp"),
    "drug": ("chebi", "drugbank", "mesh", "rxnorm"),
    "enzyme": ("hgnc", "uniprot", "ec", "pr"),
    "food": ("foodon", "mesh"),
    "gene": ("hgnc", "ncbigene", "ensembl"),
    "hormone": ("chebi", "mesh", "hgnc"),
    "measurement": ("efo", "loinc", "ncit", "mesh"),
    "nutrient": ("chebi", "mesh"),
    "pathway": ("go", "reactome", "kegg.pathway"),
    "process": ("go", "mesh"),
    "protein": ("hgnc", "uniprot", "pr"),
    "tissue": ("uberon", "mesh"),
}


def prefix_suggestions(kind: str | None = None, typed: str | None = None,
                       limit: int = 5) -> list[str]:
    """Bioregistry prefixes for an xref: close spellings of ``typed`` (a prefix the user
    gave), else the ones often used for ``kind``; from kg/data/prefixes.json."""
    import difflib

    from kg.checks.identifiers import registry

    reg = registry()
    if typed:
        near = difflib.get_close_matches(typed.lower(), list(reg["synonyms"]), n=limit * 3,
                                         cutoff=0.6)
        out: list[str] = []
        for name in near:
            preferred = reg["prefixes"][reg["synonyms"][name]][0]
            if preferred not in out:
                out.append(preferred)
        return out[:limit]
    return [reg["prefixes"][p][0] for p in KIND_PREFIXES.get(kind or "", ())
            if p in reg["prefixes"]][:limit]


def _yaml_text(value: str) -> str:
    """``value`` as a YAML scalar: plain when safe, else double-quoted."""
    import yaml

    dumped = yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _flow_item(value: str) -> str:
    """``value`` as an item of a flow list ``[a, b]``: plain when safe, else JSON-quoted
    (a double-quoted YAML scalar)."""
    if re.match(r"^[A-Za-z0-9][A-Za-z0-9 ._:/()-]*$", value) and value.lower() not in (
            "null", "true", "false", "yes", "no", "on", "off", "~"):
        return value
    return json.dumps(value, ensure_ascii=False)


def entity_text(eid: str, label: str, role: str, kind: str, xrefs: list[str],
                synonyms: list[str], description: str | None) -> str:
    lines = [f"  - id: {eid}", f"    label: {_yaml_text(label)}", f"    role: {role}",
             f"    kind: {kind}"]
    if xrefs:
        lines.append(f"    xrefs: [{', '.join(_flow_item(x) for x in xrefs)}]")
    if synonyms:
        lines.append(f"    synonyms: [{', '.join(_flow_item(s) for s in synonyms)}]")
    if description:
        lines.append(f"    description: {_yaml_text(description)}")
    return "\n".join(lines) + "\n"


def add_entity(root: Path, eid: str, label: str, role: str, kind: str,
               xrefs: list[str], synonyms: list[str], description: str | None) -> int:
    """Append an entity to claims/entities.yaml; the line it starts on. KgError when the
    id is not kebab-case or taken, or a field is outside its vocabulary or malformed
    (with suggestions for an xref's prefix)."""
    from kg.checks.identifiers import problem
    from kg.corpus import vocabulary as V
    from kg.corpus.schema import ID_RE

    if not ID_RE.match(eid):
        raise KgError(f"id '{eid}' is not kebab-case (lower-case letters, digits, hyphens)")
    if role not in V.ROLES:
        raise KgError(f"unknown role '{role}' (one of {', '.join(V.ROLES)})")
    if kind not in V.KINDS:
        raise KgError(f"unknown kind '{kind}' (one of {', '.join(V.KINDS)})")
    for x in xrefs:
        found = problem(x)
        if found is not None:
            code, message, hint = found
            prefix = x.split(":", 1)[0] if ":" in x else None
            tips = prefix_suggestions(kind, prefix if code == "KG401" else None) or \
                prefix_suggestions(kind)
            more = f"; prefixes to try: {', '.join(tips)}" if tips else ""
            raise KgError(f"{message} ({code}){'; ' + hint if hint else ''}{more}")
    path = root / CLAIMS_DIR / "entities.yaml"
    text = path.read_text(encoding="utf-8") if path.exists() else "entities:\n"
    if re.search(rf"^\s*-?\s*id:\s*['\"]?{re.escape(eid)}['\"]?\s*$", text, re.M):
        raise KgError(f"{path.name} already has an entity '{eid}'")
    empty = re.compile(r"^entities:[ \t]*\[\s*\][ \t]*(#.*)?$", re.M)
    if empty.search(text):
        text = empty.sub("entities:", text, count=1)
        path.write_text(text, encoding="utf-8")
    return _append(path, entity_text(eid, label, role, kind, xrefs, synonyms, description))
