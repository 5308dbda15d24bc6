"""Cortex: the team's memory in `.drift/cortex.db`, next to the code's patterns.

The package splits what one module used to hold: `model` (records and validation), `repo`
(the SQL), `service` (the `Cortex` facade both front-ends use), `embeddings` + `minilm`
(text to vectors), `vector_index` (the in-memory KNN copy), `errors` and `time`. Import
the public names from here.
"""

from storage.cortex.model import (
    MEMORY_TYPES,
    RELATIONSHIP_TYPES,
    LinkedPattern,
    Links,
    Memory,
    Relationship,
    SearchFilter,
    parse_content,
)
from storage.cortex.service import (
    Cortex,
    MemoryView,
    Page,
    SearchHit,
    check_cortex,
    cortex_doctor,
    load_sqlite_vec,
    open_cortex_db,
)
from storage.paths import cortex_db_path, precomputed_path

__all__ = [
    "MEMORY_TYPES",
    "RELATIONSHIP_TYPES",
    "Cortex",
    "LinkedPattern",
    "Links",
    "Memory",
    "MemoryView",
    "Page",
    "Relationship",
    "SearchFilter",
    "SearchHit",
    "check_cortex",
    "cortex_db_path",
    "cortex_doctor",
    "load_sqlite_vec",
    "open_cortex_db",
    "parse_content",
    "precomputed_path",
]
