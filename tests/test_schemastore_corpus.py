"""240 real-world draft-07 schemas from SchemaStore (tests/data/schemastore-draft07, vendored
so that every clone runs this): minimal, full and test instances must all validate.

Each schema is proven satisfiable by a positive instance SchemaStore ships with it, so a
kind the generator cannot produce is the generator's failure, never the schema's. Patterns
are ECMA-262 regular expressions (draft-07): validation reads them as such, like generation.
Times are reported by ``bench/example_corpus.py --corpus schemastore``, never asserted here.
"""

from __future__ import annotations

import pytest

from patforge.examplegen.instances import KINDS, example_instance, validate_instance
from schemastore import SIZE, corpus

CORPUS = corpus()


def test_corpus_has_the_documented_size():
    assert len(CORPUS) == SIZE
    assert len({name for name, _ in CORPUS}) == SIZE


@pytest.mark.slow
@pytest.mark.parametrize("name,schema", CORPUS, ids=[n for n, _ in CORPUS])
def test_every_kind_validates(name, schema):
    for kind in KINDS:
        instance = example_instance(schema, kind).instances[f"instance_{kind}"]
        assert validate_instance(schema, instance) == [], (kind, instance)
