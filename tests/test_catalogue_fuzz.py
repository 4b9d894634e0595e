"""Whatever is typed or scanned into a search box or a form, the answer is a result or a
named field error, never a crash (FTS5 query syntax included)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.catalogue import FormField
from kiosk.core.forms import FormInvalid, validate_applicant, validate_form
from tests.cases_fixtures import make_kit

TYPED = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(['"', "*", "(", ")", "^", ":", "NEAR(", "AND", "OR NOT", "{name}", "-", "'"])


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    kit = make_kit(tmp_path_factory.mktemp("fuzz"))
    kit.catalogue.seed_if_empty()
    yield kit.catalogue
    kit.store.close()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(TYPED, max_size=4).map(" ".join))
def test_search_never_fails(catalogue, text):
    hits = catalogue.search(text, limit=5)
    assert len(hits) <= 5


FIELDS = [
    FormField(name, name, kind, True, ("甲", "乙") if kind == "choice" else ())
    for name, kind in [
        ("t", "text"),
        ("n", "number"),
        ("p", "phone"),
        ("d", "date"),
        ("c", "choice"),
        ("i", "id_number"),
        ("a", "address"),
    ]
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    TYPED,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(values=st.dictionaries(st.sampled_from([f.name for f in FIELDS] + ["x"]), VALUES))
def test_form_validation_answers_cleaned_values_or_field_errors(values):
    try:
        cleaned = validate_form(FIELDS, values, complete=False)
    except FormInvalid as exc:
        assert exc.errors and {e.field for e in exc.errors} <= set(values) | {
            f.name for f in FIELDS
        }
    else:
        assert set(cleaned) <= set(values)


@settings(max_examples=200, deadline=None)
@given(
    person=st.dictionaries(
        st.sampled_from(["name", "id_type", "id_number", "phone", "address"]), VALUES
    )
)
def test_applicant_validation_answers_or_names_fields(person):
    try:
        cleaned = validate_applicant(person)
    except FormInvalid as exc:
        assert exc.errors
    else:
        assert all(isinstance(v, str) for v in (cleaned["name"], cleaned["id_number"]))
        assert all(v is None or isinstance(v, str) for v in cleaned.values())
