-- Cortex team-memory database, schema 1.
-- Needs the sqlite-vec extension loaded on the connection (storage.cortex.load_sqlite_vec).
-- Times are UTC ISO-8601 with milliseconds ('%Y-%m-%dT%H:%M:%fZ'), so text order is time order.

CREATE TABLE memory_types (
    name TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO memory_types (name) VALUES
    ('core'), ('tribal'), ('procedural'), ('semantic'), ('episodic'), ('incident'),
    ('feedback'), ('conversation'), ('goal'), ('workflow'), ('skill'), ('environment'),
    ('entity'), ('blocker'), ('decision'), ('constraint'), ('preference'), ('rationale'),
    ('reference'), ('insight'), ('warning'), ('example'), ('glossary');

CREATE TABLE relationship_types (
    name TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO relationship_types (name) VALUES
    ('supersedes'), ('supports'), ('contradicts'), ('related'), ('derived_from'), ('owns'),
    ('affects'), ('blocks'), ('requires'), ('references'), ('learned_from'), ('assigned_to'),
    ('depends_on');

-- The current version of each memory. Every change to a versioned column is copied into
-- memory_versions by the triggers below, so history cannot be skipped by any writer.
CREATE TABLE memories (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    type TEXT NOT NULL REFERENCES memory_types(name),
    content TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(content)),
    summary TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    recorded_at TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT CHECK (valid_until IS NULL OR valid_until > valid_from),
    confidence REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    importance REAL NOT NULL DEFAULT 0.5 CHECK (importance BETWEEN 0 AND 1),
    last_accessed TEXT,
    access_count INTEGER NOT NULL DEFAULT 0 CHECK (access_count >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT 'user',
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    archive_reason TEXT,
    -- Plain ids, no foreign key: the chain outlives a memory removed by retention.
    superseded_by INTEGER,
    supersedes INTEGER,
    last_validated TEXT,
    CHECK (archived = 1 OR archive_reason IS NULL)
);
CREATE INDEX idx_memories_type ON memories(type, id);
CREATE INDEX idx_memories_valid ON memories(valid_from, valid_until);
CREATE INDEX idx_memories_archived ON memories(archived, id);

-- Every version ever recorded; [recorded_at, recorded_until) is when the database held it.
CREATE TABLE memory_versions (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_until TEXT,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    summary TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    confidence REAL NOT NULL,
    importance REAL NOT NULL,
    tags TEXT NOT NULL,
    archived INTEGER NOT NULL,
    archive_reason TEXT,
    superseded_by INTEGER,
    supersedes INTEGER,
    last_validated TEXT,
    created_by TEXT NOT NULL,
    PRIMARY KEY (memory_id, version)
) WITHOUT ROWID;
CREATE INDEX idx_versions_recorded ON memory_versions(recorded_at, recorded_until);

CREATE TRIGGER memories_version_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memory_versions (memory_id, version, recorded_at, type, content, summary,
        valid_from, valid_until, confidence, importance, tags, archived, archive_reason,
        superseded_by, supersedes, last_validated, created_by)
    VALUES (NEW.id, NEW.version, NEW.recorded_at, NEW.type, NEW.content, NEW.summary,
        NEW.valid_from, NEW.valid_until, NEW.confidence, NEW.importance, NEW.tags, NEW.archived,
        NEW.archive_reason, NEW.superseded_by, NEW.supersedes, NEW.last_validated,
        NEW.created_by);
END;

-- Access tracking (last_accessed, access_count) is not a new version of the knowledge.
CREATE TRIGGER memories_version_update
AFTER UPDATE OF type, content, summary, valid_from, valid_until, confidence, importance, tags,
    archived, archive_reason, superseded_by, supersedes, last_validated ON memories
BEGIN
    SELECT RAISE(ABORT, 'a memory update must increment version and set recorded_at')
    WHERE NEW.version <> OLD.version + 1 OR NEW.recorded_at < OLD.recorded_at;
    UPDATE memory_versions SET recorded_until = NEW.recorded_at
    WHERE memory_id = NEW.id AND recorded_until IS NULL;
    INSERT INTO memory_versions (memory_id, version, recorded_at, type, content, summary,
        valid_from, valid_until, confidence, importance, tags, archived, archive_reason,
        superseded_by, supersedes, last_validated, created_by)
    VALUES (NEW.id, NEW.version, NEW.recorded_at, NEW.type, NEW.content, NEW.summary,
        NEW.valid_from, NEW.valid_until, NEW.confidence, NEW.importance, NEW.tags, NEW.archived,
        NEW.archive_reason, NEW.superseded_by, NEW.supersedes, NEW.last_validated,
        NEW.created_by);
END;

-- Knowledge is archived, never deleted; only retention removes memories already archived.
CREATE TRIGGER memories_no_delete BEFORE DELETE ON memories WHEN OLD.archived = 0 BEGIN
    SELECT RAISE(ABORT, 'memories are archived, not deleted');
END;

CREATE TABLE memory_relationships (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    type TEXT NOT NULL REFERENCES relationship_types(name),
    strength REAL NOT NULL DEFAULT 1.0 CHECK (strength BETWEEN 0 AND 1),
    created_at TEXT NOT NULL,
    CHECK (source_id <> target_id),
    UNIQUE (source_id, type, target_id)
);
CREATE INDEX idx_relationships_target ON memory_relationships(target_id, type);

-- Links to the analysis database (drift.db) are by id only: the two files are separate.
CREATE TABLE memory_patterns (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    pattern_id TEXT NOT NULL CHECK (length(pattern_id) = 16),
    created_at TEXT NOT NULL,
    PRIMARY KEY (memory_id, pattern_id)
) WITHOUT ROWID;
CREATE INDEX idx_memory_patterns_pattern ON memory_patterns(pattern_id, memory_id);

CREATE TABLE memory_constraints (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    constraint_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (memory_id, constraint_id)
) WITHOUT ROWID;
CREATE INDEX idx_memory_constraints_constraint ON memory_constraints(constraint_id, memory_id);

CREATE TABLE memory_files (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    file_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (memory_id, file_path)
) WITHOUT ROWID;
CREATE INDEX idx_memory_files_path ON memory_files(file_path, memory_id);

CREATE TABLE memory_functions (
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    file_path TEXT NOT NULL,
    function_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (memory_id, file_path, function_name)
) WITHOUT ROWID;
CREATE INDEX idx_memory_functions_name ON memory_functions(function_name, file_path);

CREATE VIRTUAL TABLE memory_embeddings USING vec0(embedding float[384] distance_metric=cosine);

-- One vector per memory; the vec0 row goes with its link row.
CREATE TABLE memory_embedding_link (
    vec_rowid INTEGER PRIMARY KEY,
    memory_id INTEGER NOT NULL UNIQUE REFERENCES memories(id) ON DELETE CASCADE,
    model_id TEXT NOT NULL,
    content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
    embedded_at TEXT NOT NULL
);
CREATE TRIGGER embedding_link_delete AFTER DELETE ON memory_embedding_link BEGIN
    DELETE FROM memory_embeddings WHERE rowid = OLD.vec_rowid;
END;

-- Bumped on every change to the set of vectors, so an in-memory copy can tell it is stale
-- even when another process did the writing.
CREATE TABLE embedding_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch INTEGER NOT NULL DEFAULT 0
);
INSERT INTO embedding_epoch (id) VALUES (1);
CREATE TRIGGER embedding_epoch_insert AFTER INSERT ON memory_embedding_link BEGIN
    UPDATE embedding_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
CREATE TRIGGER embedding_epoch_update AFTER UPDATE ON memory_embedding_link BEGIN
    UPDATE embedding_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
CREATE TRIGGER embedding_epoch_delete AFTER DELETE ON memory_embedding_link BEGIN
    UPDATE embedding_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TABLE embedding_cache (
    content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
    model_id TEXT NOT NULL,
    dimensions INTEGER NOT NULL CHECK (dimensions > 0),
    vector BLOB NOT NULL CHECK (length(vector) = 4 * dimensions),
    created_at TEXT NOT NULL,
    PRIMARY KEY (content_hash, model_id)
) WITHOUT ROWID;

-- v2 tables: causal reasoning, sessions, validation, usage, contradictions, consolidation.
CREATE TABLE causal_edges (
    id INTEGER PRIMARY KEY,
    cause_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    effect_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    relation TEXT NOT NULL DEFAULT 'causes'
        CHECK (relation IN ('causes', 'enables', 'prevents', 'contributes_to', 'triggers')),
    strength REAL NOT NULL DEFAULT 1.0 CHECK (strength BETWEEN 0 AND 1),
    evidence TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(evidence)),
    created_at TEXT NOT NULL,
    CHECK (cause_id <> effect_id),
    UNIQUE (cause_id, relation, effect_id)
);
CREATE INDEX idx_causal_effect ON causal_edges(effect_id);

CREATE TABLE session_contexts (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    loaded_memories TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(loaded_memories)),
    tokens_used INTEGER NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
    context TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context))
);

CREATE TABLE memory_validation_history (
    id INTEGER PRIMARY KEY,
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    validated_at TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('confirmed', 'rejected', 'modified', 'stale')),
    confidence_before REAL CHECK (confidence_before IS NULL OR confidence_before BETWEEN 0 AND 1),
    confidence_after REAL CHECK (confidence_after IS NULL OR confidence_after BETWEEN 0 AND 1),
    actor TEXT NOT NULL DEFAULT 'user',
    note TEXT
);
CREATE INDEX idx_validation_memory ON memory_validation_history(memory_id, validated_at);

CREATE TABLE memory_usage_history (
    id INTEGER PRIMARY KEY,
    memory_id INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    used_at TEXT NOT NULL,
    context TEXT NOT NULL,
    session_id TEXT
);
CREATE INDEX idx_usage_memory ON memory_usage_history(memory_id, used_at);

CREATE TABLE memory_contradictions (
    id INTEGER PRIMARY KEY,
    memory_a INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    memory_b INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    detected_at TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    resolved_at TEXT,
    resolution TEXT,
    CHECK (memory_a <> memory_b),
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE INDEX idx_contradictions_open ON memory_contradictions(resolved_at, id);

CREATE TABLE consolidation_triggers (
    id INTEGER PRIMARY KEY,
    trigger_type TEXT NOT NULL
        CHECK (trigger_type IN ('scheduled', 'memory_count', 'token_pressure', 'manual')),
    fired_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    memory_count INTEGER NOT NULL DEFAULT 0,
    details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);

CREATE TABLE token_usage_snapshots (
    id INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    session_id TEXT,
    model TEXT,
    tokens_in INTEGER NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
    tokens_out INTEGER NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
    memories_loaded INTEGER NOT NULL DEFAULT 0 CHECK (memories_loaded >= 0)
);
CREATE INDEX idx_token_usage_recorded ON token_usage_snapshots(recorded_at);

CREATE TABLE memory_clusters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    member_ids TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(member_ids) AND json_type(member_ids) = 'array'),
    centroid BLOB,
    cohesion REAL CHECK (cohesion IS NULL OR cohesion BETWEEN -1 AND 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Same shape as drift.db's: DatabaseManager.backup records cortex backups here.
CREATE TABLE backup_history (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    reason TEXT NOT NULL CHECK (reason IN ('version_upgrade', 'schema_migration', 'user_requested',
        'pre_destructive_operation', 'scheduled', 'auto_save')),
    database TEXT NOT NULL DEFAULT 'cortex',
    path TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    schema_version INTEGER NOT NULL,
    drift_version TEXT NOT NULL
);
CREATE INDEX idx_backup_created ON backup_history(database, id);
