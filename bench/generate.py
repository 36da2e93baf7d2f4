"""Generate a valid synthetic corpus of any size, shaped like the real one (issue 7).

    .venv/bin/python bench/generate.py --claims 10000 --out bench/corpora/c10000 [--seed 1]

The same arguments always give byte-identical files. Everything in the output is made
up: entity names are pronounceable nonsense, xrefs only match the Bioregistry patterns,
DOIs sit under the 10.5555 test prefix and PMIDs are nine digits starting with 9.

Shape (per N claims): about N/5 entities (a few hubs such as "bone mineral density"
that many claims share, the rest local), N/10 studies with matching BibTeX entries, 50
claims per topic file, 1-3 evidence lines per claim with statistics on about half of
them, an article outline with one section per topic file whose paragraphs the claims'
``source`` point into. Every entity, study and reference is used.

Consistency by construction: every entity has a hidden level (its place in one total
order) and a hidden potential (+1 or -1). Claims only go from a lower to a higher level,
so the claim graph is a DAG (no cycles of any kind), and every signed predicate between
a and b has the sign potential(a) * potential(b), so every chain between two entities
has the same net sign and no two claims on one pair disagree. Causal signed claims
always carry a supporting evidence line (no KG603 "unsupported link" warnings).

Also writes ``bench.json`` next to ``claims/``: ids the benchmark uses as arguments
(an entity pair joined by a causal chain, words for ``kg studies``).
"""

from __future__ import annotations

import argparse
import bisect
import gc
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CLAIMS_PER_FILE = 50
FORMAT_VERSION = 1  # bump when the output changes, so cached corpora are regenerated

# -- names ----------------------------------------------------------------------------------

_SYLLABLES = ("ba", "ko", "ri", "ta", "ve", "lu", "mo", "sa", "di", "ne",
              "zo", "fi", "ga", "pe", "ru", "la", "to", "mi", "xa", "no")


def pronounceable(i: int, width: int = 4) -> str:
    """A nonsense word of ``width`` syllables, distinct for every i below 20**width.

    i is scrambled by a bijection modulo 20**width so that neighbours do not look alike.
    """
    base = len(_SYLLABLES)
    i = (i * 7919 + 12345) % base ** width
    out = []
    for _ in range(width):
        i, d = divmod(i, base)
        out.append(_SYLLABLES[d])
    return "".join(out)


#: (role, kind) -> (weight, label template); {n} is a pronounceable word
ENTITY_SHAPES: tuple[tuple[str, str, float, str], ...] = (
    ("exposure", "drug", 3, "{n} therapy"),
    ("exposure", "disease", 3, "{n} deficiency"),
    ("exposure", "process", 2, "{n} exposure"),
    ("intervention", "behaviour", 7, "{n} training"),
    ("intervention", "nutrient", 7, "{n} supplement"),
    ("intervention", "chemical", 2, "{n} compound"),
    ("intervention", "drug", 2, "{n}mab"),
    ("mechanism", "protein", 10, "{n}in"),
    ("mechanism", "hormone", 4, "{n}one"),
    ("mechanism", "enzyme", 4, "{n}ase"),
    ("mechanism", "gene", 3, "{N} gene"),
    ("mechanism", "cell", 4, "{n} cell"),
    ("mechanism", "pathway", 3, "{n} signalling"),
    ("mechanism", "process", 10, "{n} turnover"),
    ("mechanism", "tissue", 2, "{n} tissue"),
    ("mechanism", "chemical", 3, "{n}ate"),
    ("outcome", "measurement", 11, "{n} density"),
    ("outcome", "disease", 7, "{n} fracture"),
    ("outcome", "process", 5, "{n} loss"),
)

#: a few shared entities many claims use, like the real corpus's hubs (no xrefs: made up)
HUBS: tuple[tuple[str, str, str, str], ...] = (
    ("aromatase-inhibitor-therapy", "aromatase inhibitor therapy", "exposure", "drug"),
    ("low-estrogen-state", "low estrogen state", "exposure", "process"),
    ("resistance-training", "resistance training", "intervention", "behaviour"),
    ("vitamin-d-supplement", "vitamin D supplement", "intervention", "nutrient"),
    ("estrogen", "estrogen", "mechanism", "hormone"),
    ("osteoclast-activity", "osteoclast activity", "mechanism", "process"),
    ("bone-resorption", "bone resorption", "mechanism", "process"),
    ("bone-mineral-density", "bone mineral density", "outcome", "measurement"),
    ("osteoporotic-fracture", "osteoporotic fracture", "outcome", "disease"),
    ("hip-bone-density", "hip bone density", "outcome", "measurement"),
)

TOPICS = ("exercise", "nutrition", "hormones", "bone-cells", "fracture", "vitamin-d",
          "calcium", "inflammation", "signalling", "supplements", "therapy", "density",
          "turnover", "microbiome", "sleep", "weight", "muscle", "minerals")

POPULATIONS = (
    "postmenopausal women on aromatase inhibitors",
    "women with early breast cancer",
    "postmenopausal women",
    "older adults",
    "women with osteopenia",
    "breast cancer survivors",
    "healthy adults",
    "ovariectomized rats",
)
CONTEXTS = ("during the first year of therapy", "with adequate calcium intake",
            "in sedentary people", "after adjuvant chemotherapy", "at the lumbar spine")
DOSES = ("800 IU per day", "1000 mg per day", "three sessions a week", "20 g per day",
         "150 min per week")
DURATIONS = ("12 months", "24 months", "6 months", "5 years", "8 weeks")

VERBS = {
    "increases": "raises", "decreases": "lowers", "required-for": "is required for",
    "cofactor-for": "is a cofactor for", "no-effect-on": "does not change",
    "binds": "binds", "produced-by": "is produced by", "component-of": "is a component of",
    "associated-with": "goes with higher",
    "inversely-associated-with": "goes with lower",
    "not-associated-with": "is not associated with",
}
ID_VERBS = {
    "increases": "raises", "decreases": "lowers", "required-for": "needed-for",
    "cofactor-for": "cofactor-for", "no-effect-on": "spares", "binds": "binds",
    "produced-by": "made-by", "component-of": "part-of", "associated-with": "tracks",
    "inversely-associated-with": "opposes", "not-associated-with": "unrelated-to",
}
CERTAINTY_WEIGHTS = (("asserted", 50), ("suggested", 30), ("hypothesized", 15),
                     ("open-question", 5))
STANCE_WEIGHTS = (("supports", 64), ("mixed", 12), ("no-effect", 16), ("contradicts", 8))
DESIGN_WEIGHTS = (
    ("meta-analysis", 6), ("systematic-review", 4), ("rct", 18), ("prospective-cohort", 14),
    ("retrospective-cohort", 8), ("case-control", 6), ("cross-sectional", 10),
    ("narrative-review", 8), ("consensus-statement", 2), ("guideline", 2), ("animal", 12),
    ("in-vitro", 10),
)
MEASURES_BY_DESIGN = {
    "meta-analysis": ("RR", "OR", "mean-difference"),
    "systematic-review": ("RR", "mean-difference"),
    "rct": ("mean-difference", "percent-change", "RR", "HR"),
    "prospective-cohort": ("HR", "RR", "beta"),
    "retrospective-cohort": ("HR", "OR"),
    "case-control": ("OR",),
    "cross-sectional": ("OR", "correlation", "beta"),
    "animal": ("group-means", "percent-change"),
    "in-vitro": ("group-means", "percent-change"),
}
LOCATORS = ("abstract", "table 2", "table 3", "figure 2", "figure 3", "section 3.1",
            "results", "supplementary table S1")
JOURNALS = ("Journal of Synthetic Bone Research", "Benchmark Endocrinology",
            "Osteology Test Reports", "Annals of Generated Oncology",
            "Made-up Nutrition Review")
PARAGRAPH_KINDS = ("prose",) * 8 + ("list", "table")  # factual; plus 2 non-factual


DESIGN_NOUNS = {
    "meta-analysis": "meta-analysis", "systematic-review": "systematic review",
    "rct": "randomized trial", "prospective-cohort": "prospective cohort study",
    "retrospective-cohort": "retrospective cohort study", "case-control": "case-control study",
    "cross-sectional": "cross-sectional study", "narrative-review": "narrative review",
    "consensus-statement": "consensus statement", "guideline": "guideline",
    "animal": "animal study", "in-vitro": "in-vitro study",
}


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


_CUMULATIVE: dict[int, tuple[list[str], list[float]]] = {}


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    """A weighted choice; the cumulative weights of each table are computed once."""
    table = _CUMULATIVE.get(id(weighted))
    if table is None:
        total, cum = 0.0, []
        for _, w in weighted:
            total += w
            cum.append(total)
        table = _CUMULATIVE[id(weighted)] = ([w[0] for w in weighted], cum)
    names, cum = table
    return names[bisect.bisect(cum, rng.random() * cum[-1])]


# -- YAML and BibTeX text ----------------------------------------------------------------------

_WORDS = r"[A-Za-z][A-Za-z0-9 ,.()/%+'=<>-]*"
#: text YAML reads back as the same string: starts with a letter, or is "24 months"
_PLAIN = re.compile(rf"{_WORDS}|[0-9][A-Za-z0-9.]* {_WORDS}")
_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def q(text: str) -> str:
    """``text`` as a YAML scalar: plain when it cannot be misread, else double-quoted."""
    if (_PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" ")
            and ": " not in text and " #" not in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def num(x: float, digits: int = 2) -> str:
    """A float YAML reads back as a float (never scientific notation)."""
    s = f"{x:.{digits}f}"
    return "0.0" if float(s) == 0 and digits else s


# -- the model of what is generated ------------------------------------------------------------


@dataclass(slots=True)
class Ent:
    id: str
    label: str
    role: str
    kind: str
    potential: int
    rank: float
    level: int = 0
    xrefs: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    description: str | None = None


@dataclass(slots=True)
class Ev:
    study: int
    stance: str
    finding: str
    locator: str | None
    stats: list[list[str]]


@dataclass(slots=True)
class Cl:
    id: str
    subject: int
    predicate: str
    object: int
    certainty: str
    population: str | None = None
    context: str | None = None
    dose: str | None = None
    duration: str | None = None
    section: str = ""
    paragraph: int = 1
    item: int | None = None
    row: str | None = None
    cites: list[int] = field(default_factory=list)
    evidence: list[Ev] = field(default_factory=list)
    superseded_by: str | None = None
    acknowledges: list[tuple[str, str]] = field(default_factory=list)
    notes: str | None = None


@dataclass(slots=True)
class Stu:
    key: str
    design: str
    n: int | None
    population: str
    duration: str | None
    year: int
    authors: list[str]
    title: str
    entry: str  # BibTeX type


# -- generation --------------------------------------------------------------------------------


def make_entities(rng: random.Random, count: int) -> list[Ent]:
    role_base = {"exposure": 0.0, "intervention": 0.3, "mechanism": 1.0, "outcome": 2.0}
    ents: list[Ent] = []
    used_ids: dict[str, int] = {}
    hubs = HUBS[: max(2, min(len(HUBS), count // 20))]
    for hid, label, role, kind in hubs:
        # hubs sit where their role puts them: exposures first, outcomes last
        rank = {"exposure": -1.0, "intervention": -0.5, "mechanism": 1.6,
                "outcome": 3.5}[role] + rng.random() * 0.1
        ents.append(Ent(hid, label, role, kind, rng.choice((1, -1)), rank))
        used_ids[hid] = 1
    shapes = [(r, k, t) for r, k, _, t in ENTITY_SHAPES]
    weights = [w for _, _, w, _ in ENTITY_SHAPES]
    i = 0
    width = 4 if count <= 20 ** 4 else 5
    while len(ents) < count:
        role, kind, template = rng.choices(shapes, weights)[0]
        name = pronounceable(i, width)
        i += 1
        label = template.format(n=name, N=name.upper())
        eid = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        if eid in used_ids:  # cannot happen (names are distinct), but stay safe
            continue
        used_ids[eid] = 1
        e = Ent(eid, label, role, kind, rng.choice((1, -1)),
                role_base[role] + rng.random() * 1.2)
        if rng.random() < 0.6:
            e.xrefs = _xrefs(rng, kind)
        if rng.random() < 0.3:
            e.synonyms = [f"{name} factor"] if rng.random() < 0.5 else [name.upper(),
                                                                        f"{name} level"]
        if rng.random() < 0.1:
            e.description = (f"A made-up {kind} for benchmarks; the name {name} means "
                             "nothing outside this corpus.")
        ents.append(e)
    order = sorted(range(len(ents)), key=lambda j: (ents[j].rank, j))
    for level, j in enumerate(order):
        ents[j].level = level
    return ents


def _xrefs(rng: random.Random, kind: str) -> list[str]:
    def d7() -> str:
        return f"{rng.randrange(1, 9999999):07d}"

    options = {
        "protein": lambda: f"HGNC:{rng.randrange(1, 99999)}",
        "gene": lambda: f"HGNC:{rng.randrange(1, 99999)}",
        "enzyme": lambda: f"HGNC:{rng.randrange(1, 99999)}",
        "hormone": lambda: f"CHEBI:{rng.randrange(1, 999999)}",
        "chemical": lambda: f"CHEBI:{rng.randrange(1, 999999)}",
        "nutrient": lambda: f"CHEBI:{rng.randrange(1, 999999)}",
        "drug": lambda: f"CHEBI:{rng.randrange(1, 999999)}",
        "cell": lambda: f"CL:{d7()}",
        "pathway": lambda: f"GO:{d7()}",
        "process": lambda: f"GO:{d7()}",
        "tissue": lambda: f"UBERON:{rng.randrange(1, 9999999)}",
        "disease": lambda: f"MONDO:{d7()}",
        "measurement": lambda: f"EFO:{d7()}",
        "behaviour": lambda: f"NCIT:C{rng.randrange(1, 999999)}",
    }
    out = [options[kind]()]
    if rng.random() < 0.4:
        out.append(f"MESH:D{rng.randrange(1, 999999):06d}")
    return out


def make_studies(rng: random.Random, count: int) -> list[Stu]:
    studies: list[Stu] = []
    keys: set[str] = set()
    for i in range(count):
        design = _pick(rng, DESIGN_WEIGHTS)
        surname = pronounceable(rng.randrange(20 ** 4))
        year = rng.randrange(1995, 2025)
        word = rng.choice(TOPICS).split("-")[0]
        base = f"{surname}{year}{word}"
        key, k = base, 0
        while key in keys:  # like BibTeX authors do: kwan2021, kwan2021b, ...
            k += 1
            key = base + _letters(k)
        keys.add(key)
        if design in ("animal", "in-vitro"):
            n = rng.randrange(6, 80) if design == "animal" and rng.random() < 0.8 else None
            population = ("ovariectomized rats" if design == "animal"
                          else "cultured human osteoblasts")
        elif design in ("meta-analysis", "systematic-review"):
            n = rng.randrange(5, 60)
            population = f"{n} studies of {rng.choice(POPULATIONS[:-1])}"
        elif design in ("narrative-review", "consensus-statement", "guideline"):
            n = None
            population = rng.choice(POPULATIONS[:-1])
        else:
            n = int(rng.lognormvariate(5.5, 1.2)) + 10
            population = f"{n} {rng.choice(POPULATIONS[:-1])}"
        duration = rng.choice(DURATIONS) if rng.random() < 0.6 else None
        authors = [f"{pronounceable(rng.randrange(20 ** 3), 3).capitalize()}, "
                   f"{chr(65 + rng.randrange(26))}." for _ in range(rng.randrange(1, 6))]
        topic = rng.choice(TOPICS).replace("-", " ")
        title = (f"{_a(DESIGN_NOUNS[design]).capitalize()} of {topic} "
                 f"and bone health, report {i + 1}")
        entry = ("techreport" if design == "guideline" else
                 "book" if design == "narrative-review" and rng.random() < 0.1 else
                 "misc" if design == "consensus-statement" and rng.random() < 0.3 else
                 "article")
        studies.append(Stu(key, design, n, population, duration, year, authors, title, entry))
    return studies


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def _predicate(rng: random.Random, s: Ent, o: Ent, family: str | None) -> tuple[str, str]:
    """(predicate, family) for subject s and object o, whose sign is fixed by potentials."""
    sign = s.potential * o.potential
    mech_pair = s.role == "mechanism" and o.role == "mechanism"
    if family is None:
        r = rng.random()
        family = ("causal" if r < 0.52 else "assoc" if r < 0.78 else
                  "zero" if r < 0.87 else "struct")
    if family == "causal":
        if sign < 0:
            return "decreases", family
        r = rng.random()
        if r < 0.08 and s.role in ("intervention", "mechanism") and o.role == "mechanism":
            return "cofactor-for", family
        if r < 0.16:
            return "required-for", family
        return "increases", family
    if family == "assoc":
        return ("associated-with" if sign > 0 else "inversely-associated-with"), family
    if family == "zero":
        return rng.choice(("no-effect-on", "not-associated-with")), family
    r = rng.random()
    if mech_pair and r < 0.35:
        return "binds", family
    if mech_pair and r < 0.6:
        return "produced-by", family
    return "component-of", family


def _effect(rng: random.Random, measure: str, direction: int) -> list[str]:
    """YAML lines of one statistic whose estimate points in ``direction`` (+1, -1, 0)."""
    lines = [f"measure: {measure}"]
    ratio = measure in ("HR", "OR", "RR")
    if measure == "group-means":
        a = rng.uniform(0.5, 3.0)
        b = a * (1 + 0.3 * direction + rng.uniform(-0.05, 0.05))
        lines.append("unit: ng/mL")
        lines.append(f"groups: {{treated: {num(b)}, control: {num(a)}}}")
        lines.append("comparison: treated vs control")
        return lines
    if ratio:
        centre = {1: rng.uniform(1.15, 2.6), -1: rng.uniform(0.4, 0.87),
                  0: rng.uniform(0.9, 1.1)}[direction]
        width = rng.uniform(0.05, 0.3)
        lo, hi = centre * (1 - width), centre * (1 + width)
        if direction == 0:
            lo, hi = min(lo, 0.95), max(hi, 1.05)
        elif direction > 0:
            lo = max(lo, 1.01)
        else:
            hi = min(hi, 0.99)
        v, lo, hi = round(centre, 2), round(lo, 2), round(hi, 2)
        lo, hi = min(lo, v), max(hi, v)
        lines += [f"value: {num(v)}", f"ci: [{num(lo)}, {num(hi)}]"]
    elif measure == "correlation":
        v = round(direction * rng.uniform(0.1, 0.6) + rng.uniform(-0.05, 0.05), 2)
        lines.append(f"value: {num(v)}")
    else:
        v = round(direction * rng.uniform(0.5, 6.0) + rng.uniform(-0.3, 0.3), 2)
        half = round(rng.uniform(0.2, 2.0), 2)
        lines += [f"value: {num(v)}", f"ci: [{num(round(v - half, 2))}, {num(round(v + half, 2))}]"]
        if measure in ("mean-difference", "percent-change"):
            lines.append("unit: percent" if measure == "percent-change" else "unit: g/cm2")
    if rng.random() < 0.5:
        p = rng.uniform(0.0005, 0.049) if direction else rng.uniform(0.06, 0.9)
        lines.append(f"p: {num(p, 4)}" if p >= 0.001 else 'p: "<0.001"')
    lines.append(f"comparison: {q(rng.choice(_COMPARISONS))}")
    return lines


_COMPARISONS = ("highest vs lowest tertile", "intervention vs usual care",
                "per 1 SD increase", "users vs non-users", "after vs before",
                "supplement vs placebo", "at least 150 min/week vs less")


@dataclass(slots=True)
class Generated:
    entities: list[Ent]
    studies: list[Stu]
    claims: list[Cl]
    files: list[tuple[str, str, list[Cl]]]  # (file stem, section id, claims)
    paragraphs: dict[str, list[str]]  # section id -> kinds of paragraphs 1..n
    article_refs: list[int]
    manifest: dict[str, object]


def generate(n_claims: int, seed: int = 1) -> Generated:
    rng = random.Random(f"kg-bench-{seed}-{n_claims}")
    n_ent = max(12, n_claims // 5)
    n_stu = max(4, n_claims // 10)
    ents = make_entities(rng, n_ent)
    studies = make_studies(rng, n_stu)
    by_level = sorted(range(len(ents)), key=lambda j: ents[j].level)
    # targets: mechanisms and outcomes in level order (every predicate's object roles)
    targets = [j for j in by_level if ents[j].role in ("mechanism", "outcome")]
    target_levels = [ents[j].level for j in targets]
    hub_targets = [j for j, e in enumerate(ents[: len(HUBS)])
                   if e.id in {h[0] for h in HUBS} and e.role in ("mechanism", "outcome")]
    hub_subjects = [j for j, e in enumerate(ents[: len(HUBS)])
                    if e.id in {h[0] for h in HUBS}]
    window = 25.0

    def object_for(s: int) -> int | None:
        pos = bisect.bisect_right(target_levels, ents[s].level)
        if pos >= len(targets):
            return None
        if rng.random() < 0.1:
            above = [h for h in hub_targets if ents[h].level > ents[s].level]
            if above:
                return rng.choice(above)
        step = min(int(rng.expovariate(1 / window)), len(targets) - pos - 1)
        return targets[pos + step]

    def subject_for(o: int) -> int | None:
        below = ents[o].level
        if below == 0:
            return None
        if rng.random() < 0.05:
            cands = [h for h in hub_subjects if ents[h].level < below]
            if cands:
                return rng.choice(cands)
        step = min(int(rng.expovariate(1 / window)), below - 1)
        return by_level[below - 1 - step]

    pairs: list[tuple[int, int]] = []
    # cover every entity once, in a shuffled order
    covered = [False] * len(ents)
    cover_order = list(range(len(ents)))
    rng.shuffle(cover_order)
    for j in cover_order:
        if covered[j] or len(pairs) >= n_claims:
            continue
        e = ents[j]
        o = object_for(j)
        if o is not None and (e.role not in ("mechanism", "outcome") or rng.random() < 0.5
                              or e.level == 0):
            pair = (j, o)
        else:
            s = subject_for(j)
            if s is None:
                raise SystemExit(f"cannot place entity {e.id}")  # never: see make_entities
            pair = (s, j)
        covered[pair[0]] = covered[pair[1]] = True
        pairs.append(pair)
    if not all(covered):
        raise SystemExit("too few claims to use every entity: ask for more claims")
    subjects = [j for j in by_level if bisect.bisect_right(target_levels, ents[j].level)
                < len(targets)]
    while len(pairs) < n_claims:
        if rng.random() < 0.03:
            s = rng.choice(hub_subjects)
        else:
            s = rng.choice(subjects)
        o = object_for(s)
        if o is not None:
            pairs.append((s, o))
    # topic files: neighbouring subjects together, as a topic file would hold them
    pairs.sort(key=lambda p: (ents[p[0]].level, ents[p[1]].level))
    families: dict[tuple[int, int], str] = {}
    claim_ids: dict[str, int] = {}
    claims: list[Cl] = []
    for s, o in pairs:
        pred, fam = _predicate(rng, ents[s], ents[o], families.get((s, o)))
        families[(s, o)] = fam
        base = f"{ents[s].id}-{ID_VERBS[pred]}-{ents[o].id}"
        cid = base
        k = claim_ids.get(base, 0)
        if k:
            cid = f"{base}-{k + 1}"
        claim_ids[base] = k + 1
        c = Cl(cid, s, pred, o, _pick(rng, CERTAINTY_WEIGHTS))
        if rng.random() < 0.6:
            c.population = rng.choice(POPULATIONS)
        if rng.random() < 0.12:
            c.context = rng.choice(CONTEXTS)
        if ents[s].role == "intervention" and rng.random() < 0.3:
            c.dose = rng.choice(DOSES)
        if rng.random() < 0.15:
            c.duration = rng.choice(DURATIONS)
        if rng.random() < 0.05:
            c.notes = "The article states this more strongly than the cited study shows."
        claims.append(c)
    # evidence lines: 1-3 per claim; every study used at least once
    counts = rng.choices((1, 2, 3), (45, 35, 20), k=len(claims))
    total = sum(counts)
    pool = list(range(len(studies)))
    popular = [rng.paretovariate(1.2) for _ in studies]
    pool += rng.choices(range(len(studies)), popular, k=max(0, total - len(pool)))
    rng.shuffle(pool)
    at = 0
    for c, k in zip(claims, counts, strict=True):
        chosen = pool[at: at + k]
        at += k
        signed_causal = c.predicate in ("increases", "decreases", "required-for",
                                        "cofactor-for")
        sign = ents[c.subject].potential * ents[c.object].potential
        for i, st in enumerate(chosen):
            stance = "supports" if (i == 0 and signed_causal) else _pick(rng, STANCE_WEIGHTS)
            if stance == "no-effect" and c.predicate in ("no-effect-on", "not-associated-with"):
                stance = "supports"  # finding no effect supports a claim of no effect (KG502)
            c.evidence.append(_evidence(rng, c, ents, studies[st], st, stance, sign))
    for c in claims:  # the article cites some works for a claim, mostly ones we use
        r = rng.random()
        if r < 0.3:
            c.cites = [c.evidence[0].study]
        elif r < 0.35:
            c.cites = [c.evidence[0].study, rng.randrange(len(studies))]
            if c.cites[0] == c.cites[1]:
                c.cites.pop()
    # a few superseded claims and acknowledgements (same pair, same sign: still consistent)
    last_on_pair: dict[tuple[int, int], Cl] = {}
    for c in claims:
        prev = last_on_pair.get((c.subject, c.object))
        if prev is not None and prev.superseded_by is None:
            r = rng.random()
            if r < 0.1:
                prev.superseded_by = c.id
            elif r < 0.2:
                c.acknowledges.append(
                    (prev.id, "the two claims describe different trials of the same link"))
        last_on_pair[(c.subject, c.object)] = c
    # files, sections and paragraphs
    files: list[tuple[str, str, list[Cl]]] = []
    paragraphs: dict[str, list[str]] = {}
    for f, start in enumerate(range(0, len(claims), CLAIMS_PER_FILE)):
        chunk = claims[start: start + CLAIMS_PER_FILE]
        topic = TOPICS[f % len(TOPICS)]
        stem = f"{topic}-{f + 1:04d}"
        section = f"{topic}-{f + 1}"
        factual = list(PARAGRAPH_KINDS[: min(len(PARAGRAPH_KINDS), len(chunk))])
        rng.shuffle(factual)
        first = factual.index("prose")  # paragraph 1 is prose
        factual[0], factual[first] = factual[first], factual[0]
        kinds = factual
        kinds.insert(min(len(kinds), 3), "rhetorical")
        kinds.insert(min(len(kinds), 6), "heading-quote")
        paragraphs[section] = kinds
        slots = [n + 1 for n, kind in enumerate(kinds)
                 if kind not in ("rhetorical", "heading-quote")]
        for i, c in enumerate(chunk):
            n = slots[i] if i < len(slots) else rng.choice(slots)
            c.section, c.paragraph = section, n
            if kinds[n - 1] == "list":
                c.item = rng.randrange(1, 6)
            elif kinds[n - 1] == "table":
                c.row = f"row {rng.randrange(1, 8)}"
        files.append((stem, section, chunk))
    article_refs = sorted({k for c in claims for k in c.cites})
    manifest = _manifest(ents, claims, n_claims, seed)
    return Generated(ents, studies, claims, files, paragraphs, article_refs, manifest)


def _evidence(rng: random.Random, c: Cl, ents: list[Ent], study: Stu, index: int,
              stance: str, sign: int) -> Ev:
    s, o = ents[c.subject].label, ents[c.object].label
    direction = {"supports": sign, "contradicts": -sign, "no-effect": 0,
                 "mixed": sign}[stance]
    if c.predicate in ("no-effect-on", "not-associated-with"):
        direction = 1 if stance == "contradicts" else 0
    moved = "higher" if direction > 0 else "lower" if direction < 0 else "unchanged"
    finding = {
        "supports": f"Higher {s} went with {moved} {o}.",
        "mixed": f"The link between {s} and {o} held only in a subgroup.",
        "no-effect": f"No clear difference in {o} with {s}.",
        "contradicts": f"The study found the opposite, {o} moved against the claim with {s}.",
    }[stance]
    stats: list[list[str]] = []
    measures = MEASURES_BY_DESIGN.get(study.design)
    if measures and rng.random() < 0.55:
        stats.append(_effect(rng, rng.choice(measures), direction))
        if rng.random() < 0.15:
            stats.append(_effect(rng, rng.choice(measures), direction))
    locator = rng.choice(LOCATORS) if rng.random() < 0.8 else None
    return Ev(index, stance, finding, locator, stats)


def _manifest(ents: list[Ent], claims: list[Cl], n_claims: int, seed: int) -> dict[str, object]:
    """Arguments for the benchmark: a pair joined by a chain of 2-4 causal links."""
    out: dict[int, list[int]] = {}
    for c in claims:
        if c.superseded_by is None and c.predicate in ("increases", "decreases",
                                                       "required-for", "cofactor-for"):
            out.setdefault(c.subject, []).append(c.object)
    start = 0  # the first hub, an exposure
    dist = {start: 0}
    frontier = [start]
    for d in range(1, 5):
        nxt = []
        for u in frontier:
            for v in out.get(u, ()):
                if v not in dist:
                    dist[v] = d
                    nxt.append(v)
        frontier = nxt
    far = [v for v, d in dist.items() if d >= 2]
    outcomes = [v for v in far if ents[v].role == "outcome"]
    target = (outcomes or far or [v for v in dist if v != start] or [1])[0]
    hub = ents[start]
    return {
        "claims": n_claims,
        "seed": seed,
        "format_version": FORMAT_VERSION,
        "paths": [hub.id, ents[target].id],
        "studies_query": f"{hub.label} {ents[target].label}",
        "claim": claims[0].id,
    }


# -- writing -----------------------------------------------------------------------------------


def render_entities(ents: list[Ent]) -> str:
    out = ["entities:"]
    for e in ents:
        out.append(f"  - id: {e.id}")
        out.append(f"    label: {q(e.label)}")
        out.append(f"    role: {e.role}")
        out.append(f"    kind: {e.kind}")
        if e.xrefs:
            out.append(f"    xrefs: [{', '.join(e.xrefs)}]")
        if e.synonyms:
            out.append(f"    synonyms: [{', '.join(e.synonyms)}]")
        if e.description:
            out.append(f"    description: {q(e.description)}")
    return "\n".join(out) + "\n"


def render_studies(studies: list[Stu], rng: random.Random) -> str:
    out = ["studies:"]
    for s in studies:
        out.append(f"  {s.key}:")
        out.append(f"    design: {s.design}")
        if s.design in ("meta-analysis", "systematic-review"):
            out.append("    pooled: {designs: [rct, prospective-cohort], studies: 8}")
        out.append("    verified: synthetic record made by bench/generate.py")
        out.append(f"    population: {q(s.population)}")
        if s.n is not None:
            out.append(f"    n: {s.n}")
        if s.duration:
            out.append(f"    duration: {q(s.duration)}")
        out.append(f"    findings: {q(_findings(s))}")
        if rng.random() < 0.03:
            out.append("    citation_issues:")
            out.append("      - field: year")
            out.append(f'        cited: "{s.year - 1}"')
            out.append(f'        actual: "{s.year}"')
        if rng.random() < 0.01:
            out.append("    errata:")
            out.append(f"      - doi: {q(_doi(s) + '.erratum')}")
            out.append("        note: Corrected a table of results; the conclusions stand.")
        if rng.random() < 0.05:
            out.append("    notes: Details of the protocol are from the abstract only.")
    return "\n".join(out) + "\n"


def _findings(s: Stu) -> str:
    return (f"{_a(DESIGN_NOUNS[s.design]).capitalize()} in {s.population} that reported effects on "
            "bone turnover and density.")


def _doi(s: Stu) -> str:
    return f"10.5555/kgbench.{s.key}"


def render_bib(studies: list[Stu]) -> str:
    out = ["% Synthetic bibliography for benchmarks (bench/generate.py). Not real works."]
    for i, s in enumerate(studies):
        fields = [("author", " and ".join(s.authors)), ("title", s.title)]
        if s.entry == "article":
            fields += [("journal", JOURNALS[i % len(JOURNALS)]), ("year", str(s.year)),
                       ("volume", str(1 + i % 40)), ("pages", f"{1 + i % 900}--{10 + i % 900}")]
        elif s.entry == "book":
            fields += [("publisher", "Benchmark Press"), ("year", str(s.year))]
        elif s.entry == "techreport":
            fields += [("institution", "Synthetic Guideline Group"), ("year", str(s.year))]
        else:
            fields += [("year", str(s.year))]
        fields.append(("doi", _doi(s)))
        if s.entry == "article" and i % 3:
            fields.append(("pmid", str(900000000 + i)))
        body = ",\n".join(f"  {k:<7} = {{{v}}}" for k, v in fields)
        out.append(f"\n@{s.entry}{{{s.key},\n{body}\n}}")
    return "\n".join(out) + "\n"


def render_article(g: Generated) -> str:
    out = ["article:", "  title: A synthetic article about bone health for benchmarks"]
    if g.article_refs:
        out.append("  references:")
        out += [f"    - {g.studies[k].key}" for k in g.article_refs]
    out.append("  sections:")
    for _stem, section, _chunk in g.files:
        out.append(f"    - id: {section}")
        out.append(f"      title: {q(section.replace('-', ' ').capitalize())}")
        out.append("      paragraphs:")
        for n, kind in enumerate(g.paragraphs[section], 1):
            out.append(f"        - {{n: {n}, kind: {kind}, incipit: Paragraph {n} of {section}}}")
    return "\n".join(out) + "\n"


def render_claims(chunk: list[Cl], g: Generated) -> str:
    ents, studies = g.entities, g.studies
    out = ["claims:"]
    add = out.append
    for c in chunk:
        s, o = ents[c.subject], ents[c.object]
        statement = f"{s.label} {VERBS[c.predicate]} {o.label}."
        if c.population and c.certainty != "open-question":
            statement = f"In {c.population}, {statement}"
        elif c.certainty == "open-question":
            statement = f"Whether {s.label} {VERBS[c.predicate]} {o.label} is an open question."
        add(f"  - id: {c.id}")
        add(f"    statement: {q(statement[0].upper() + statement[1:])}")
        add(f"    subject: {s.id}")
        add(f"    predicate: {c.predicate}")
        add(f"    object: {o.id}")
        for key in ("population", "context", "dose", "duration"):
            value = getattr(c, key)
            if value:
                add(f"    {key}: {q(value)}")
        if c.certainty == "open-question":  # a question states nothing
            add("    kind: question")
        else:
            add(f"    certainty: {c.certainty}")
        extra = (f", item: {c.item}" if c.item is not None else
                 f", row: {c.row}" if c.row is not None else "")
        add(f"    source: {{section: {c.section}, paragraph: {c.paragraph}{extra}}}")
        if c.cites:
            add(f"    article_cites: [{', '.join(studies[k].key for k in c.cites)}]")
        if c.evidence:
            add("    evidence:")
            for ev in c.evidence:
                add(f"      - study: {studies[ev.study].key}")
                add(f"        stance: {ev.stance}")
                add(f"        finding: {q(ev.finding)}")
                if ev.locator:
                    add(f"        locator: {ev.locator}")
                if ev.stats:
                    add("        statistics:")
                    for lines in ev.stats:
                        add(f"          - {lines[0]}")
                        out.extend(f"            {line}" for line in lines[1:])
        if c.superseded_by:
            add(f"    superseded_by: {c.superseded_by}")
        if c.acknowledges:
            add("    acknowledges:")
            for other, reason in c.acknowledges:
                add(f"      - claim: {other}")
                add(f"        reason: {q(reason)}")
        if c.notes:
            add(f"    notes: {q(c.notes)}")
    return "\n".join(out) + "\n"


def write_corpus(g: Generated, out: Path, seed: int, force: bool = False) -> None:
    """Write into a sibling temporary folder, then move it into place."""
    out = out.resolve()
    if out.exists():
        if not out.is_dir():
            raise SystemExit(f"{out} exists and is not a folder")
        contents = sorted(p.name for p in out.iterdir())
        if contents and not force:
            raise SystemExit(f"{out} is not empty; pass --force to replace it")
        strange = [n for n in contents if n not in ("claims", "references.bib", "bench.json")]
        if strange:
            raise SystemExit(f"{out} holds files a generated corpus does not ({strange[0]}); "
                             "refusing to replace it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        claims_dir = tmp / "claims"
        claims_dir.mkdir()
        rng = random.Random(f"kg-bench-render-{seed}-{len(g.claims)}")

        def write(path: Path, text: str) -> None:
            path.write_text(text, encoding="utf-8")

        write(claims_dir / "entities.yaml", render_entities(g.entities))
        write(claims_dir / "studies.yaml", render_studies(g.studies, rng))
        write(claims_dir / "article.yaml", render_article(g))
        for stem, _section, chunk in g.files:
            write(claims_dir / f"{stem}.yaml", render_claims(chunk, g))
        write(tmp / "references.bib", render_bib(g.studies))
        write(tmp / "bench.json", json.dumps(g.manifest, indent=2, sort_keys=True) + "\n")
        os.chmod(tmp, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, required=True, help="number of claims")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace a generated corpus")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.claims < 20:
        parser.error("--claims must be at least 20")
    start = time.perf_counter()
    gc.disable()  # many small objects, no cycles worth collecting
    g = generate(args.claims, args.seed)
    write_corpus(g, args.out, args.seed, args.force)
    if not args.quiet:
        print(f"wrote {len(g.claims)} claims, {len(g.entities)} entities, {len(g.studies)} "
              f"studies in {len(g.files)} topic files to {args.out} "
              f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
