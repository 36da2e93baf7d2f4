"""The library behind the question commands, answered from the graph store: search,
lookup, filters, paths, statistics text, stats."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.checks.validator import validate
from kg.corpus.model import Corpus, Statistic
from kg.questions.filters import _stem, filter_claims, stem, tokens
from kg.questions.lookup import Ambiguous, NotFound, find_any, find_entity, find_study
from kg.questions.paths import find_chains
from kg.questions.stats import graph_stats
from kg.questions.views import statistic_text
from kg.store.questions import Questions, open_questions
from kg.terminal import Style, table, wants_colour

CORPORA = Path(__file__).parent / "corpora"


def _open(name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Questions]:
    root = Path(shutil.copytree(CORPORA / name, tmp_path_factory.mktemp(name) / name))
    q = open_questions(root)
    assert q.errors == 0
    yield q
    q.close()


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Questions]:
    yield from _open("valid", tmp_path_factory)


@pytest.fixture(scope="module")
def questions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Questions]:
    yield from _open("questions", tmp_path_factory)


@pytest.fixture(scope="module")
def questions_corpus() -> Corpus:
    corpus, diags = validate(CORPORA / "questions")
    assert not diags
    return corpus


# -- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("words", "stems"), [
    ("raises raising raised raise", ["rais"] * 4),
    ("Fractures fracture", ["fractur"] * 2),
    ("densities density", ["density"] * 2),
    ("osteoporosis mass status", ["osteoporosis", "mass", "status"]),
    ("the BMD of K2", ["bmd", "k2"]),
])
def test_tokens_stem_and_drop_stop_words(words: str, stems: list[str]) -> None:
    assert tokens(words) == stems


@pytest.mark.parametrize(("word", "expected"), [
    ("s", "s"), ("es", "es"), ("abc", "abc"),  # three letters or fewer: as they are
    ("1990", "1990"), ("2000s", "2000"), ("K2", "k2"),
    ("bone", "bon"), ("bones", "bon"), ("axes", "axe"), ("cues", "cue"),  # the final 'e'
    ("legs", "leg"), ("vitamins", "vitamin"),  # a stem of three letters is enough
    ("agrees", "agre"), ("degrees", "degre"), ("boxes", "box"), ("matches", "match"),
    ("classes", "class"), ("status", "status"), ("focus", "focus"),
    ("osteoporosis", "osteoporosis"),
    ("mineralization", "mineraliz"), ("mineralisations", "mineraliz"),
    ("activations", "activat"), ("trainings", "train"), ("walking", "walk"),
    ("walked", "walk"), ("markedly", "mark"), ("modified", "modify"), ("studies", "study"),
])
def test_stem_rules(word: str, expected: str) -> None:
    # _stem itself, not through stem's cache: a forked mutation run would otherwise see the
    # answers the unmutated code remembered
    assert _stem(word) == expected
    assert stem(word) == expected


def test_stem_is_idempotent_on_its_output() -> None:
    for w in ("training", "mineralization", "bones", "exercises", "studies"):
        assert stem(stem(w)) == stem(w), w


def test_search_ranks_the_claim_mentioning_every_word_first(valid: Questions) -> None:
    hits = valid.words.search("walking bone density")
    assert [h.claim for h in hits][:1] == ["walking-raises-density"]
    assert hits[0].score > hits[1].score
    assert set(hits[0].matched) == {"walking", "bone", "density"}


def test_search_finds_by_synonym(valid: Questions) -> None:
    assert valid.words.search("BMD brisk")[0].claim == "walking-raises-density"


def test_search_rare_words_weigh_more(valid: Questions) -> None:
    # 'fracture' appears in one claim, 'walking' in two: fracture decides
    assert valid.words.search("walking fracture")[0].claim == "walking-lowers-fracture"


def test_search_stems_words(valid: Questions) -> None:
    hits = valid.words.search("fractures walked")
    assert hits[0].claim == "walking-lowers-fracture"
    assert set(hits[0].matched) == {"fractures", "walked"}


def test_search_forgives_a_typo(valid: Questions) -> None:
    hits = valid.words.search("hormone protien")
    assert hits[0].claim == "hormone-x-raises-protein-p"
    assert valid.words.unmatched("hormone protien zebra") == ["zebra"]


def test_search_nothing(valid: Questions) -> None:
    assert valid.words.search("zebra") == []
    assert valid.words.search("the of and") == []
    assert valid.words.search('"NEAR( OR * ^') == []  # FTS5 syntax is quoted away


def test_search_limit_and_order(valid: Questions) -> None:
    hits = valid.words.search("density", limit=50)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(valid.words.search("density", limit=1)) == 1


def _words(claims: list[tuple[str, str]], studies: tuple[str, ...] = ()) -> Any:
    """A words index made by hand: claims (id, statement) in file order, study keys."""
    import sqlite3

    from kg.store.words import INDEXES, SCHEMA, Words

    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    for i, (cid, statement) in enumerate(claims):
        conn.execute("INSERT INTO claims (rowid, statement, ends, id, qualifiers) "
                     "VALUES (?, ?, '', ?, '')", (i, statement, cid.replace("-", " ")))
        conn.execute("INSERT INTO claim_ids VALUES (?, ?)", (i, cid))
    for i, key in enumerate(studies):
        conn.execute("INSERT INTO studies VALUES (?, ?, ?)", (key, key.casefold(), i))
    conn.executescript(INDEXES)
    return Words(conn)


def test_search_scores_have_two_decimals_and_ties_keep_file_order(valid: Questions) -> None:
    hits = valid.words.search("walking bone density drug")
    assert all(h.score == round(h.score, 2) for h in hits)
    assert any(h.score != round(h.score) for h in hits)
    words = _words([("b-one", "Calcium keeps bone."), ("a-one", "Calcium keeps bone."),
                    ("c-one", "Nothing here.")])
    assert [h.claim for h in words.search("calcium bone")] == ["b-one", "a-one"]


def test_a_score_is_bm25_times_the_share_of_words_held(valid: Questions) -> None:
    """A claim holding one of two words scores half what it scores for that word alone
    (BM25 of an OR query sums over the words each claim holds)."""
    [alone] = valid.words.search("fracture")
    both = {h.claim: h for h in valid.words.search("fracture density")}
    half = both["walking-lowers-fracture"]
    assert half.matched == ("fracture",) and abs(half.score - alone.score / 2) <= 0.01



def test_bm25_picks_a_pool_of_ten_times_the_answers_wanted_and_at_least_a_hundred() -> None:
    """Words.search reorders by the share of words only the pool BM25 picked: max(limit,
    10) * POOL candidates. Here 105 short claims hold "calcium" only, and one long claim
    holds "calcium" and "vitamin" (which 150 other claims share, so it weighs little):
    BM25 ranks the long claim 106th, but its share of the words (all) puts it first as
    soon as the pool reaches it, at 11 answers wanted (110 candidates), not at 10 (100)."""
    from kg.store.words import POOL

    claims = [(f"one-{i}", "Calcium keeps bone.") for i in range(105)]
    claims.append(("both", "Calcium and vitamin K keep bone" + " strong" * 12 + "."))
    claims += [(f"vit-{i}", "Vitamin D comes from sunlight on skin in summer and from food.")
               for i in range(150)]
    claims += [(f"other-{i}", "Sunlight makes skin warm.") for i in range(150)]
    words = _words(claims)
    assert POOL == 10
    for limit in (1, 10):
        hits = words.search("calcium vitamin", limit=limit)
        assert len(hits) == limit and "both" not in [h.claim for h in hits]
        assert hits[0].claim == "one-0" and hits[0].matched == ("calcium",)
    hits = words.search("calcium vitamin", limit=11)
    assert [h.claim for h in hits[:2]] == ["both", "one-0"]
    assert hits[0].matched == ("calcium", "vitamin") and hits[0].score > hits[1].score


# -- the store's own answers (bench/mutation.py questions) -------------------------------------


def test_the_study_list_says_which_studies_the_article_lists_and_what_they_bear_on(
        valid: Questions) -> None:
    """kg studies: (key, in the article's reference list, claims it bears on, claims the
    article cites it for), in file order."""
    assert valid.study_listing() == [("alpha2020trial", True, 1, 1),
                                     ("delta2019cohort", True, 1, 1),
                                     ("zeta2018cells", False, 1, 0)]


def test_audited_reads_the_article_s_current_claims_and_the_studies_with_issues(
        questions: Questions, questions_corpus: Corpus) -> None:
    """kg audit: the claims of origin article that no claim supersedes, in file order, the
    studies with a citation issue, and the outline."""
    corpus = questions.audited()
    expected = [c.id for c in questions_corpus.claims.values()
                if c.origin == "article" and not c.superseded_by]
    assert list(corpus.claims) == expected
    assert len(expected) < len(questions_corpus.claims)  # some are left out
    with_issues = sorted(k for k, s in questions_corpus.studies.items() if s.citation_issues)
    assert with_issues and set(with_issues) <= set(corpus.studies)
    assert corpus.article is not None and questions_corpus.article is not None
    assert corpus.article.title == questions_corpus.article.title
    assert [(p.section, p.n) for p in corpus.article.paragraphs] == [
        (p.section, p.n) for p in questions_corpus.article.paragraphs]



def test_a_study_no_claim_names_is_listed_and_audited_for_its_citation_issue(
        tmp_path: Path) -> None:
    """A study that bears on no claim: kg studies lists it with no claims, and kg audit
    still reads it, for its citation issue (audited.rq's second half)."""
    root = Path(shutil.copytree(CORPORA / "questions", tmp_path / "q"))
    with (root / "references.bib").open("a", encoding="utf-8") as f:
        f.write("\n@article{lonely2016,\n  author = {Lone, Lee},\n"
                "  title = {A study no claim names},\n  journal = {Tests},\n"
                "  year = {2016},\n  pmid = {16161616}\n}\n")
    with (root / "claims" / "studies.yaml").open("a", encoding="utf-8") as f:
        f.write("  lonely2016:\n    design: rct\n    verified: made-up test record\n"
                "    population: 10 adults\n    findings: Nothing anyone cites.\n"
                "    citation_issues:\n      - field: year\n        cited: \"2015\"\n"
                "        actual: \"2016\"\n")
    q = open_questions(root)
    try:
        assert q.errors == 0
        assert q.study_listing()[-1] == ("lonely2016", False, 0, 0)
        audited = q.audited()
        assert "lonely2016" in audited.studies
        assert [i.cited for i in audited.studies["lonely2016"].citation_issues] == ["2015"]
    finally:
        q.close()


def _valid_with_an_unknown_entity_claim(tmp_path: Path) -> Path:
    """A copy of the valid corpus with one more claim, 'nobody-raises-nothing', whose
    subject and object are no entities (an error; the corpus is still asked)."""
    root = Path(shutil.copytree(CORPORA / "valid", tmp_path / "v"))
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: nobody-raises-nothing\n    statement: Somebody raises something.\n"
        "    subject: somebody\n    predicate: increases\n    object: something\n"
        "    certainty: asserted\n    source: {section: basics, paragraph: 1}\n"),
        encoding="utf-8")
    return root


def test_a_claim_naming_unknown_entities_is_summarised_by_their_ids(tmp_path: Path) -> None:
    """A corpus with errors is still asked (kg show warns): a claim whose subject and
    object are no entities gives their ids, from the IRIs, and nothing else."""
    root = _valid_with_an_unknown_entity_claim(tmp_path)
    q = open_questions(root)
    try:
        assert q.errors == 2  # KG202 for the unknown subject, KG202 for the object
        [summary] = q.summaries(claims=["nobody-raises-nothing"])
        assert summary["subject"] == {"id": "somebody", "label": "somebody", "role": None,
                                      "kind": None}
        assert summary["object"] == {"id": "something", "label": "something", "role": None,
                                     "kind": None}
    finally:
        q.close()


def test_questions_opened_again_say_what_they_said_when_made(tmp_path: Path) -> None:
    """The second open_questions opens the store the first made (the manifest's key, error
    count and stats rows), for the same corpus root."""
    root = _valid_with_an_unknown_entity_claim(tmp_path)
    made = open_questions(root)
    made.close()
    again = open_questions(root)
    try:
        assert made.root == again.root == root and again.base == made.base
        assert again.errors == made.errors == 2
        assert again.key == made.key is not None
        assert again.stats_rows == made.stats_rows is not None
        assert again.corpus_for(claims=["walking-lowers-fracture"]).root == str(root)
    finally:
        again.close()


def test_a_rebuild_removes_old_words_indexes_only(tmp_path: Path) -> None:
    """When the corpus changes, the store and words index are made again, and the words
    indexes of other keys (and their temporaries) are removed; other files stay."""
    root = Path(shutil.copytree(CORPORA / "valid", tmp_path / "v"))
    open_questions(root).close()
    cache = root / "build" / "cache"
    old = ["words-old.sqlite", "words-old.sqlite.sum", ".words-old.tmp"]
    for name in [*old, "other.txt"]:
        (cache / name).write_text("x", encoding="utf-8")
    path = root / "claims" / "mechanism.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    q = open_questions(root)
    q.close()
    names = {p.name for p in cache.iterdir()}
    assert "other.txt" in names and not names & set(old)
    assert len([n for n in names if n.startswith("words-") and n.endswith(".sqlite")]) == 1


def test_without_a_cache_folder_the_errors_are_still_counted(tmp_path: Path) -> None:
    root = _valid_with_an_unknown_entity_claim(tmp_path)
    (root / "build").write_text("a file where the folder would go", encoding="utf-8")
    q = open_questions(root)
    try:
        assert q.store.where == "memory"
        assert q.root == root
        assert q.errors == 2
    finally:
        q.close()

def test_summaries_with_an_empty_filter_match_nothing(valid: Questions) -> None:
    assert len(valid.summaries()) == 6
    assert valid.summaries(claims=[]) == []
    assert valid.summaries(subjects=[]) == []
    assert valid.summaries(objects=[], statuses=["supported"]) == []
    assert [s["id"] for s in valid.summaries(statuses=["supported"])] == [
        "walking-lowers-fracture", "hormone-x-raises-protein-p"]


def test_links_are_asked_bare_and_rated_for_the_rows_still_wanted(valid: Questions) -> None:
    """kg paths asks for the links first and for their ratings (link-ratings.rq) only for
    those on a chain."""
    bare = valid.links_from(["walking"])
    rated = valid.rate(bare)
    assert rated == [
        (0, "walking-raises-density", "walking", "increases", "bone-density", "none",
         "not-supported", "article"),
        (1, "walking-lowers-fracture", "walking", "inversely-associated-with", "fracture",
         "low", "supported", "article")]
    assert [r[:5] for r in bare] == [r[:5] for r in rated]
    assert {r[5:] for r in bare} == {("", "", "")}
    assert valid.rate(bare[1:]) == rated[1:]
    assert valid.rate([]) == []
    assert valid.links_from(["walking"], only_to="fracture") == bare[1:]
    assert valid.links_into(["fracture"]) == bare[1:]
    assert valid.links_from([]) == [] and valid.links_into([]) == []


def test_remote_questions_make_their_words_index_from_the_store(valid: Questions) -> None:
    """kg push's endpoint: the same store queries, a words index made in memory, no
    manifest (no key, no stats rows, no errors counted)."""
    from kg.store.questions import remote_questions

    remote = remote_questions(valid.store, valid.base, valid.root)
    assert (remote.root, remote.base, remote.store) == (valid.root, valid.base, valid.store)
    assert (remote.errors, remote.key, remote.stats_rows) == (0, None, None)
    assert remote.words.claim_ids() == valid.words.claim_ids()
    assert remote.words.search("fracture") == valid.words.search("fracture")
    remote.close()

def test_an_index_made_in_the_test_holds_every_word_name_and_key(valid: Questions) -> None:
    """The words index made from the store (kg.store.words.fill), made here rather than in
    a fixture, so that a mutation run relates its making to this test."""
    from kg.store.words import Words

    w = Words.in_memory(valid.store, valid.base)
    assert w.claim_ids() == valid.words.claim_ids() and len(w.claim_ids()) == 6
    assert w.entity_names() == {
        "drug d": "drug-d", "d inhibitor": "drug-d", "hormone x": "hormone-x",
        "chebi:50114": "hormone-x", "protein p": "protein-p", "pp": "protein-p",
        "hgnc:11926": "protein-p", "uniprotkb:o14788": "protein-p", "bone loss": "bone-loss",
        "walking": "walking", "brisk walking": "walking", "bone density": "bone-density",
        "bone mineral density": "bone-density", "bmd": "bone-density",
        "fracture": "fracture"}
    assert w.name_hits("bmd") == [(2, "bone-density")]
    assert w.name_hits("walking") == [(0, "walking"), (1, "walking")]  # id, then label
    assert w.study_keys() == ["alpha2020trial", "delta2019cohort", "zeta2018cells"]
    assert w.study_key("DELTA2019COHORT") == "delta2019cohort"

    def hits(query: str) -> list[str]:
        return [h.claim for h in w.search(query, limit=10)]

    assert hits("BMD brisk")[:1] == ["walking-raises-density"]  # the names of its ends
    assert "walking-lowers-fracture" in hits("lowers")  # its id only ("goes with fewer")
    assert sorted(hits("adults")) == ["walking-lowers-fracture", "walking-raises-density"]
    assert w.plan("horm") == [("hormon", "horm")]


def test_search_returns_five_by_default(valid: Questions) -> None:
    assert len(valid.words.search("walking bone density drug hormone protein", limit=50)) > 5
    assert len(valid.words.search("walking bone density drug hormone protein")) == 5


def test_plan_skips_stop_words_and_spells_words_of_four_letters_or_more(
        valid: Questions) -> None:
    assert valid.words.plan("the walking") == [("walking", "walking")]
    assert valid.words.plan("horm") == [("hormon", "horm")]  # "hormone", stemmed
    assert valid.words.plan("hor") == []  # too short to guess at


def test_claim_order_reads_any_number_of_ids() -> None:
    words = _words([(f"c-{i}", "text") for i in range(3)])
    many = [f"x-{i}" for i in range(2000)]
    many[900], many[1950] = "c-1", "c-2"  # past the first chunk of 900, and far past
    assert words.claim_order(many) == {"c-1": 1, "c-2": 2}
    assert words.claim_order(["c-0"]) == {"c-0": 0}


def test_a_study_key_exactly_before_case_folded() -> None:
    words = _words([], ("Smith2020", "smith2020", "jones2019"))
    assert words.study_key("smith2020") == "smith2020"
    assert words.study_key("Smith2020") == "Smith2020"
    assert words.study_key(" SMITH2020 ") == "Smith2020"  # folded: the first in file order
    assert words.study_key("JONES2019") == "jones2019"
    assert words.study_key("nobody") is None


def test_the_words_index_is_written_beside_it_through_a_temporary(
        valid: Questions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.store import words as W

    seen: list[list[str]] = []
    real_fill = W.fill

    def looking_fill(conn: Any, store: Any, base: str) -> None:
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        real_fill(conn, store, base)

    monkeypatch.setattr(W, "fill", looking_fill)
    path = tmp_path / "words-k.sqlite"
    assert W.write_words(path, valid.store, valid.base)
    [[name]] = seen
    assert name.startswith(".words-") and name.endswith(".tmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["words-k.sqlite"]
    opened = W.Words.open(path)
    assert opened is not None and opened.claim_ids() == valid.words.claim_ids()
    opened.close()
    # a folder that cannot be written: no index, no exception
    assert not W.write_words(tmp_path / "missing" / "words-k.sqlite", valid.store, valid.base)


def test_an_in_memory_index_writes_no_file(valid: Questions, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.store.words import Words

    monkeypatch.chdir(tmp_path)
    words = Words.in_memory(valid.store, valid.base)
    assert words.claim_ids() == valid.words.claim_ids()
    assert list(tmp_path.iterdir()) == []


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def test_filter_claims(questions: Questions) -> None:
    assert ids(filter_claims(questions, about="protein-p", position="subject")) == [
        "protein-p-limits-bone-loss"]
    assert ids(filter_claims(questions, about="protein-p", position="object")) == [
        "hormone-x-raises-protein-p", "exercise-lowers-protein-p", "protein-a-binds-protein-p"]
    # a study bears on a claim through evidence or article_cites
    assert ids(filter_claims(questions, study="delta2019cohort")) == [
        "walking-lowers-fracture", "exercise-raises-density"]
    assert ids(filter_claims(questions, statuses=("contested",))) == [
        "exercise-lowers-protein-p", "exercise-raises-density"]
    assert ids(filter_claims(questions, ratings=("moderate",))) == [
        "exercise-lowers-protein-p", "exercise-raises-density"]
    assert ids(filter_claims(questions, roles=("exposure",))) == ["drug-d-lowers-hormone-x"]
    assert filter_claims(questions, roles=("exposure",), position="object") == []
    # an entity with the other filters: each narrows the claims about it
    assert ids(filter_claims(questions, about="bone-density", study="delta2019cohort")) == [
        "exercise-raises-density"]
    assert ids(filter_claims(questions, about="bone-density", statuses=("contested",))) == [
        "exercise-raises-density"]
    assert ids(filter_claims(questions, about="protein-p", position="object",
                             ratings=("moderate",))) == ["exercise-lowers-protein-p"]
    assert ids(filter_claims(questions, certainties=("hypothesized",))) == [
        "protein-a-binds-protein-p"]


# -- lookup -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "protein-p", "PROTEIN-P", "protein P", "protein_p", "pp", "HGNC:11926", "uniprotkb:o14788",
])
def test_find_entity_by_id_label_synonym_curie(valid: Questions, text: str) -> None:
    assert find_entity(valid, text).entity.id == "protein-p"


def test_find_entity_reports_how_it_matched(valid: Questions) -> None:
    assert find_entity(valid, "BMD").by == "synonym"
    assert find_entity(valid, "bone mineral density").by == "label"
    assert find_entity(valid, "CHEBI:50114").by == "xref"


def test_find_entity_not_found_suggests(valid: Questions) -> None:
    with pytest.raises(NotFound) as exc:
        find_entity(valid, "hormone y")
    assert exc.value.suggestions == ("hormone-x",)
    assert "did you mean 'hormone-x'?" in exc.value.message


def test_find_entity_ambiguous(questions: Questions) -> None:
    with pytest.raises(Ambiguous) as exc:
        find_entity(questions, "pa")
    assert exc.value.suggestions == ("exercise", "protein-a")


def test_an_id_beats_a_synonym(questions: Questions) -> None:
    assert find_entity(questions, "exercise").entity.id == "exercise"


def test_find_study_and_any(valid: Questions) -> None:
    assert find_study(valid, "ALPHA2020TRIAL").key == "alpha2020trial"
    with pytest.raises(NotFound, match="did you mean 'alpha2020trial'"):
        find_study(valid, "alpha2020")
    assert find_any(valid, "walking-lowers-fracture").kind == "claim"
    assert find_any(valid, "delta2019cohort").kind == "study"
    assert find_any(valid, "brisk walking").kind == "entity"


# -- paths ------------------------------------------------------------------------------------


def test_chain_sign_and_weakest_link(valid: Questions) -> None:
    chains, truncated = find_chains(valid, "drug-d", "bone-density")
    assert not truncated
    [chain] = chains
    assert [link.claim for link in chain.links] == [
        "drug-d-lowers-hormone-x", "hormone-x-raises-protein-p",
        "protein-p-limits-bone-loss", "bone-loss-lowers-density"]
    assert chain.sign == "-"  # - + - - : three minuses
    assert chain.weakest.claim == "drug-d-lowers-hormone-x"  # uncited, and first
    assert find_chains(valid, "drug-d", "bone-density", max_hops=3) == ([], False)


def test_chains_shortest_first(questions: Questions) -> None:
    chains, _ = find_chains(questions, "exercise", "bone-density")
    assert [c.hops for c in chains] == [1, 3]
    assert [c.sign for c in chains] == ["+", "-"]
    assert chains[1].weakest.claim == "protein-p-limits-bone-loss"


def test_superseded_and_zero_sign_claims_are_not_followed(questions: Questions) -> None:
    assert find_chains(questions, "exercise", "fracture") == ([], False)
    assert find_chains(questions, "walking", "hormone-x") == ([], False)
    chains, _ = find_chains(questions, "walking", "hormone-x", include_all=True)
    assert [(c.sign, c.links[0].claim) for c in chains] == [("0", "walking-no-effect-hormone-x")]
    assert find_chains(questions, "exercise", "fracture", include_all=True) == ([], False)


def test_structural_links_only_with_all(questions: Questions) -> None:
    assert find_chains(questions, "protein-a", "bone-density") == ([], False)
    chains, _ = find_chains(questions, "protein-a", "bone-density", include_all=True)
    assert [c.sign for c in chains] == ["?"]


# -- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(("stat", "text"), [
    (Statistic("HR", "c", 2.42, (1.34, 4.37)), "HR 2.42 (95% CI 1.34–4.37)"),
    (Statistic("OR", "c", 0.61, (0.45, 0.83), 0.9, "<0.05"),
     "OR 0.61 (90% CI 0.45–0.83), p < 0.05"),
    (Statistic("RR", "c", 1.0, p=0.5), "RR 1, p = 0.5"),
    (Statistic("group-means", "c", p=0.37, unit="g/cm2",
               groups=(("walking", 0.001), ("control", -0.006))),
     "group means walking 0.001, control -0.006 g/cm2, p = 0.37"),
    (Statistic("mean-difference", "c", 0.012, (0.002, 0.022), unit="g/cm2"),
     "mean difference 0.012 g/cm2 (95% CI 0.002–0.022)"),
    (Statistic("percent-change", "c", -3.5), "change -3.5%"),
    (Statistic("correlation", "c", 0.21, p=1e-05), "r = 0.21, p = 1e-05"),
    (Statistic("beta", "c", 0.3), "β 0.3"),
])
def test_statistic_text(stat: Statistic, text: str) -> None:
    assert statistic_text(stat) == text


def test_colour_only_on_a_tty_without_no_color() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    assert wants_colour(Tty(), {}) is True  # type: ignore[arg-type]
    assert wants_colour(Tty(), {"NO_COLOR": "1"}) is False  # type: ignore[arg-type]
    assert wants_colour(Tty(), {"TERM": "dumb"}) is False  # type: ignore[arg-type]
    assert wants_colour(None, {}) is False
    assert Style(colour=True).bold("x") == "\x1b[1mx\x1b[0m"
    assert Style(colour=False).bold("x") == "x"


def test_table_aligns_and_truncates_the_last_column() -> None:
    lines = table([["a", "long text " * 10], ["bbb", "short"]], Style(width=40))
    assert lines[0].startswith("a    long text")
    assert len(lines[0]) == 40 and lines[0].endswith("…")
    assert lines[1] == "bbb  short"


def test_stats_counts(questions: Questions) -> None:
    s = graph_stats(questions.store, questions.base)
    assert s["totals"] == {"entities": 9, "claims": 11, "evidence_lines": 7, "studies": 5,
                           "references": 5}
    assert s["claims_by_status"] == {"supported": 2, "contested": 2, "not-supported": 1,
                                     "contradicted": 0, "no-evidence": 6}
    assert s["evidence_by_stance"] == {"supports": 4, "mixed": 1, "no-effect": 1,
                                       "contradicts": 1}
    assert sum(s["entities_by_role"].values()) == 9


@pytest.mark.parametrize("include_all", [False, True])
@pytest.mark.parametrize("cutoff", [1, 2, 4])
def test_simple_paths_agree_with_networkx(questions_corpus: Corpus, include_all: bool,
                                          cutoff: int) -> None:
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from kg.questions.paths import adjacency, simple_paths

    adj = adjacency(questions_corpus, include_all)  # the whole-corpus links kg site draws
    graph = nx.DiGraph()
    graph.add_nodes_from(questions_corpus.entities)
    graph.add_edges_from((a, b) for a, outs in adj.items() for b in outs)
    found = 0
    for a in questions_corpus.entities:
        for b in questions_corpus.entities:
            if a == b:
                continue
            ours = sorted(simple_paths(adj, a, b, cutoff))
            theirs = sorted(nx.all_simple_paths(graph, a, b, cutoff=cutoff))
            assert ours == theirs, (a, b)
            found += len(ours)
    assert found > 0


def test_simple_paths_agree_with_networkx_on_a_dense_graph() -> None:
    import itertools
    import random

    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from kg.questions.paths import simple_paths

    rng = random.Random(7)
    nodes = [f"n{i}" for i in range(9)]
    edges = [(a, b) for a, b in itertools.permutations(nodes, 2) if rng.random() < 0.35]
    adj: dict[str, dict[str, list[Any]]] = {}
    for a, b in edges:
        adj.setdefault(a, {})[b] = []
    graph = nx.DiGraph(edges)
    for a, b in itertools.permutations(nodes, 2):
        if a in graph and b in graph:
            assert sorted(simple_paths(adj, a, b, 4)) == sorted(
                nx.all_simple_paths(graph, a, b, cutoff=4))


# -- lookup, stated whole (bench/mutation.py lookup) -------------------------------------------


def test_find_claim_id_exactly_or_case_folded(valid: Questions) -> None:
    from kg.questions.lookup import find_claim_id

    assert find_claim_id(valid, "walking-lowers-fracture") == "walking-lowers-fracture"
    assert find_claim_id(valid, " WALKING-lowers-Fracture ") == "walking-lowers-fracture"
    assert find_claim_id(valid, "walking") is None


def test_find_any_finds_each_kind_and_suggests_from_all_three(valid: Questions) -> None:
    from kg.questions.lookup import Found

    claim = find_any(valid, "Walking-Lowers-Fracture")
    assert claim.kind == "claim" and claim.claim is not None
    assert (claim.claim.id, claim.claim.subject, claim.entity, claim.study) == (
        "walking-lowers-fracture", "walking", None, None)
    study = find_any(valid, "DELTA2019COHORT")
    assert study.kind == "study" and study.study is not None
    assert (study.study.key, study.claim, study.entity) == ("delta2019cohort", None, None)
    entity = find_any(valid, "BMD")
    assert entity.kind == "entity" and entity.entity is not None
    assert (entity.entity.id, entity.claim, entity.study) == ("bone-density", None, None)
    assert Found().kind == "study"
    for text, message, ids in [
        ("xyz", "no entity, claim or study 'xyz'", ()),
        ("bone", "no entity, claim or study 'bone' (did you mean 'bone-loss' or "
                 "'bone-density' or 'bone-loss-lowers-density'?)",
         ("bone-loss", "bone-density", "bone-loss-lowers-density")),
        ("deltacohort", "no entity, claim or study 'deltacohort' (did you mean "
                        "'delta2019cohort'?)", ("delta2019cohort",)),
    ]:
        with pytest.raises(NotFound) as exc:
            find_any(valid, text)
        assert (exc.value.message, str(exc.value), exc.value.suggestions) == (
            message, message, ids)
        assert exc.value.__cause__ is None and exc.value.__suppress_context__


def test_lookup_messages(valid: Questions, questions: Questions) -> None:
    with pytest.raises(Ambiguous) as amb:
        find_entity(questions, "pa")
    assert amb.value.message == ("'pa' names 2 entities by synonym: exercise (exercise), "
                                 "protein-a (protein A); give one of their ids")
    with pytest.raises(NotFound) as nf:
        find_study(valid, "alpha2020")
    assert (nf.value.message, nf.value.suggestions) == (
        "no study 'alpha2020' (did you mean 'alpha2020trial'?)", ("alpha2020trial",))
    with pytest.raises(NotFound) as nf:
        find_entity(valid, "  ")
    assert (nf.value.message, nf.value.suggestions) == ("no entity '  '", ())
    assert find_entity(valid, "walking").by == "id"


def test_suggest_close_names_then_names_holding_the_word() -> None:
    from kg.questions.lookup import did_you_mean, suggest

    names = {"bone loss": "bone-loss", "bone density": "bone-density", "bmd": "bone-density",
             "k2": "vitamin-k2", "vitamin k2": "vitamin-k2", "bones": "bones",
             "x ray": "x-ray"}
    # close spellings first (difflib), then names holding the text as a word, each id once
    assert suggest("bone", names) == ("bones", "bone-loss", "bone-density")
    assert suggest("bone", names, n=1) == ("bones",)
    assert suggest("K2", names) == ("vitamin-k2",)
    assert suggest("x", names) == ()  # one letter: never "a word of" a name
    assert suggest("ray", names) == ("x-ray",)
    assert suggest("k2", {"vitamin k2": "vitamin-k2"}) == ("vitamin-k2",)  # not close
    # up to 3 n close names are read, as several names may be one entity's
    near = {"abcxyz1": "a", "abcxyz2": "a", "abcxyz3": "a", "abcxqq": "b", "zzz": "c"}
    assert suggest("abcxyz", near, n=2) == ("a", "b")
    nearer = {f"abcde{c}": "a" for c in "ghijkl"} | {"abcdxy": "b"}
    assert suggest("abcdef", nearer, n=2) == ("a",)  # the 7th closest is not read
    assert did_you_mean(()) == ""
    assert did_you_mean(("a",)) == " (did you mean 'a'?)"
    assert did_you_mean(("a", "b")) == " (did you mean 'a' or 'b'?)"


# -- kg studies' filters ----------------------------------------------------------------------


def test_filter_studies_by_design_citation_and_words(valid: Questions) -> None:
    from kg.questions.filters import filter_studies

    corpus = valid.corpus_for(studies=list(valid.words.study_keys()))
    listing = [("alpha2020trial", True, 1, 0), ("missing", True, 0, 0),
               ("delta2019cohort", False, 1, 1), ("zeta2018cells", False, 1, 0)]

    def keys(**kw: Any) -> list[str]:
        return [r[0] for r in filter_studies(corpus, listing, **kw)]

    assert keys() == ["alpha2020trial", "delta2019cohort", "zeta2018cells"]
    assert filter_studies(corpus, listing)[1] == ("delta2019cohort", False, 1, 1)
    assert keys(designs=("rct", "in-vitro")) == ["alpha2020trial", "zeta2018cells"]
    # cited: listed among the article's references, or cited for a claim
    assert keys(cited=True) == ["alpha2020trial", "delta2019cohort"]
    assert keys(cited=False) == ["zeta2018cells"]
    # every word, stemmed, in the key, title, population or findings
    assert keys(words="walking trials") == ["alpha2020trial"]  # title: "randomized trial"
    assert keys(words="cohort of fractures") == ["delta2019cohort"]  # "of": a stop word
    assert keys(words="ALPHA2020TRIAL") == ["alpha2020trial"]  # the key
    assert keys(words="cultured human") == ["zeta2018cells"]  # population
    assert keys(words="threefold") == ["zeta2018cells"]  # findings
    assert keys(words="walking", designs=("prospective-cohort",)) == ["delta2019cohort"]
    assert keys(words="") == keys()
    zeta, ref = corpus.studies["zeta2018cells"], corpus.references["zeta2018cells"]
    every = " ".join((zeta.key, ref.fields["title"], zeta.population, zeta.findings))
    assert keys(words=every) == ["zeta2018cells"]  # all of its words, and no other


def test_study_words_without_a_reference(valid: Questions) -> None:
    from kg.questions.filters import study_words

    corpus = valid.corpus_for(studies=["zeta2018cells"])
    study = corpus.studies["zeta2018cells"]
    assert study_words(study, None) == {"zeta2018cell", "cultur", "human", "cell", "hormon",
                                        "x", "rais", "protein", "p", "about", "threefold"}
    untitled = dataclasses.replace(corpus.references["zeta2018cells"], fields={})
    assert study_words(study, untitled) == study_words(study, None)
    alpha = valid.corpus_for(studies=["alpha2020trial"])
    ref = alpha.references["alpha2020trial"]  # "A randomized trial of walking and bone density"
    assert "randomiz" in study_words(alpha.studies["alpha2020trial"], ref)
    assert "randomiz" not in study_words(alpha.studies["alpha2020trial"], None)


def test_a_claims_records_hold_the_whole_outline_only_when_asked(valid: Questions) -> None:
    """corpus_for gives the paragraphs its claims point to; the article's whole outline, in
    order, only with outline=True (kg audit reads it, a claim's card does not)."""
    small = valid.corpus_for(claims=["walking-lowers-fracture"])
    whole = valid.corpus_for(claims=["walking-lowers-fracture"], outline=True)
    assert small.article is not None and whole.article is not None
    assert [(p.section, p.n) for p in small.article.paragraphs] == [("basics", 2)]
    assert [(p.section, p.n) for p in whole.article.paragraphs] == [
        ("basics", 1), ("basics", 2), ("basics", 3)]
