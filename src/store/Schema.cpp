// SPDX-License-Identifier: GPL-3.0-or-later
#include "Schema.h"

namespace postern::store {

namespace {

// Schema v1. Tables are STRICT so a value of the wrong type is refused rather than coerced,
// and CHECK constraints restate the invariants the C++ code already validates: they are the
// last line of defence against a bug, not the way callers learn about bad input (a CHECK
// failure surfaces as a generic constraint error).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE workstation (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    public_key    BLOB    NOT NULL CHECK (length(public_key) = 32),
    created_at    INTEGER NOT NULL,
    next_sequence INTEGER NOT NULL DEFAULT 1 CHECK (next_sequence >= 1)
) STRICT;

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    public_key BLOB    NOT NULL UNIQUE CHECK (length(public_key) = 32),
    roles      INTEGER NOT NULL CHECK (roles BETWEEN 0 AND 15),
    key_file   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;

CREATE TABLE workstation_grants (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    sealed     BLOB    NOT NULL CHECK (length(sealed) = 80),
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE uploaders (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    box_key       BLOB    NOT NULL CHECK (length(box_key) = 32),
    sign_key      BLOB    NOT NULL CHECK (length(sign_key) = 32),
    identity_text TEXT    NOT NULL,
    trusted_at    INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
-- At most one active uploader, enforced by the database itself.
CREATE UNIQUE INDEX uploaders_one_active ON uploaders(active) WHERE active = 1;

CREATE TABLE policies (
    version    INTEGER PRIMARY KEY CHECK (version >= 1),
    text       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE posts (
    id              TEXT    PRIMARY KEY CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),
    author_id       INTEGER NOT NULL REFERENCES users(id),
    state           TEXT    NOT NULL CHECK (state IN
                        ('draft', 'in_review', 'approved', 'rejected', 'exported', 'published', 'failed')),
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    schedule        INTEGER,             -- NULL = publish on arrival, so it sorts last
    channels        TEXT    NOT NULL DEFAULT '',
    title           TEXT    NOT NULL DEFAULT '',
    last_reason     TEXT    NOT NULL DEFAULT ''
) STRICT;
-- The GUI lists up to 50,000 posts: each filter it offers has an index whose trailing columns
-- match the sort, so SQLite walks the index in order and stops at LIMIT without sorting.
CREATE INDEX posts_updated        ON posts(updated_at, id);
CREATE INDEX posts_state_updated  ON posts(state, updated_at, id);
CREATE INDEX posts_author_updated ON posts(author_id, updated_at, id);
CREATE INDEX posts_schedule       ON posts(schedule, id);
CREATE INDEX posts_state_schedule ON posts(state, schedule, id);
CREATE INDEX posts_created        ON posts(created_at, id);

CREATE TABLE post_versions (
    post_id    TEXT    NOT NULL REFERENCES posts(id),
    version    INTEGER NOT NULL CHECK (version >= 1),
    content    TEXT    NOT NULL,
    digest     BLOB    NOT NULL CHECK (length(digest) = 32),
    schedule   INTEGER,
    channels   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (post_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE media (
    hash          TEXT    PRIMARY KEY CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
    size          INTEGER NOT NULL CHECK (size >= 0),
    mime          TEXT    NOT NULL,
    original_name TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE approvals (
    id         INTEGER PRIMARY KEY,
    post_id    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    digest     BLOB    NOT NULL CHECK (length(digest) = 32),
    signature  BLOB    NOT NULL CHECK (length(signature) = 64),
    created_at INTEGER NOT NULL,
    UNIQUE (post_id, version, user_id),
    FOREIGN KEY (post_id, version) REFERENCES post_versions(post_id, version)
) STRICT;

CREATE TABLE rejections (
    id         INTEGER PRIMARY KEY,
    post_id    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    reason     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    FOREIGN KEY (post_id, version) REFERENCES post_versions(post_id, version)
) STRICT;
CREATE INDEX rejections_post ON rejections(post_id, version);

CREATE TABLE exports (
    id               INTEGER PRIMARY KEY,
    sequence         INTEGER NOT NULL UNIQUE CHECK (sequence >= 1),
    bundle_id        TEXT    NOT NULL UNIQUE,
    path             TEXT    NOT NULL,
    file_fingerprint TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES users(id)
) STRICT;

-- UNIQUE(post_id, version): the same approved version can never ride in two bundles.
CREATE TABLE export_items (
    export_id INTEGER NOT NULL REFERENCES exports(id),
    post_id   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (export_id, post_id),
    UNIQUE (post_id, version),
    FOREIGN KEY (post_id, version) REFERENCES post_versions(post_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE receipts (
    bundle_id   TEXT    PRIMARY KEY REFERENCES exports(bundle_id),
    text        TEXT    NOT NULL,
    imported_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE post_results (
    post_id     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('published', 'failed', 'scheduled')),
    platform_id TEXT    NOT NULL DEFAULT '',
    url         TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    bundle_id   TEXT    NOT NULL REFERENCES receipts(bundle_id),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (post_id, version, channel),
    FOREIGN KEY (post_id, version) REFERENCES post_versions(post_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
    at         INTEGER NOT NULL,
    actor_key  BLOB    NOT NULL CHECK (length(actor_key) = 32),
    action     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    details    TEXT    NOT NULL,
    prev_hash  BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash       BLOB    NOT NULL CHECK (length(hash) = 32),
    signature  BLOB    NOT NULL CHECK (length(signature) = 64)
) STRICT;
-- Append-only against accidents and careless tools. Anyone who can write the file can drop
-- these triggers; the hash chain and signatures are what detect that (docs/store.md).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
)sql";

// Schema v2 (media hygiene, docs/media.md): what the sanitizer removed from each media file,
// as the canonical JSON of media::reportToJson, for the review pane. NULL for files stored
// without going through the sanitizer (imported before v2, or by importBytes).
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE media ADD COLUMN stripped TEXT;
)sql";

// Schema v3 (composer, docs/compose.md): workstation-wide settings that are not signed
// documents, such as the admin's OPSEC rule list (key "opsec_rules", canonical JSON).
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64 AND key NOT GLOB '*[^a-z0-9_]*'),
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Schema v4 (cancel and retract orders, docs/store.md "Orders"). Posts and per-channel results
// gain the states an order leads to, which needs new CHECK lists, and SQLite can only change a
// CHECK by rebuilding the table. posts is the parent of five tables, so it is rebuilt with the
// foreign key checks deferred to the end of this migration's transaction: dropping it counts
// every child row as orphaned, copying the rows back counts them as found again, and if one
// row were lost the commit would fail and leave the store at v3.
constexpr std::string_view kSchemaV4 = R"sql(
PRAGMA defer_foreign_keys = ON;

CREATE TABLE posts_v3 AS SELECT * FROM posts;
DROP TABLE posts;
CREATE TABLE posts (
    id              TEXT    PRIMARY KEY CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),
    author_id       INTEGER NOT NULL REFERENCES users(id),
    state           TEXT    NOT NULL CHECK (state IN
                        ('draft', 'in_review', 'approved', 'rejected', 'exported', 'published', 'failed',
                         'cancelled', 'retracted')),
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    schedule        INTEGER,
    channels        TEXT    NOT NULL DEFAULT '',
    title           TEXT    NOT NULL DEFAULT '',
    last_reason     TEXT    NOT NULL DEFAULT ''
) STRICT;
INSERT INTO posts(id, author_id, state, current_version, created_at, updated_at, schedule, channels, title,
                  last_reason)
    SELECT id, author_id, state, current_version, created_at, updated_at, schedule, channels, title, last_reason
    FROM posts_v3;
DROP TABLE posts_v3;
CREATE INDEX posts_updated        ON posts(updated_at, id);
CREATE INDEX posts_state_updated  ON posts(state, updated_at, id);
CREATE INDEX posts_author_updated ON posts(author_id, updated_at, id);
CREATE INDEX posts_schedule       ON posts(schedule, id);
CREATE INDEX posts_state_schedule ON posts(state, schedule, id);
CREATE INDEX posts_created        ON posts(created_at, id);

CREATE TABLE post_results_v4 (
    post_id     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('published', 'failed', 'scheduled', 'cancelled', 'retracted')),
    platform_id TEXT    NOT NULL DEFAULT '',
    url         TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    bundle_id   TEXT    NOT NULL REFERENCES receipts(bundle_id),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (post_id, version, channel),
    FOREIGN KEY (post_id, version) REFERENCES post_versions(post_id, version)
) STRICT, WITHOUT ROWID;
INSERT INTO post_results_v4 SELECT post_id, version, channel, state, platform_id, url, reason, bundle_id, updated_at
    FROM post_results;
DROP TABLE post_results;
ALTER TABLE post_results_v4 RENAME TO post_results;

-- One row per order. `content` is the canonical order JSON exactly as signed: the digest and
-- every approval are over these bytes, and the bundle carries them unchanged.
CREATE TABLE orders (
    id           TEXT    PRIMARY KEY CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),
    post_id      TEXT    NOT NULL REFERENCES posts(id),
    action       TEXT    NOT NULL CHECK (action IN ('cancel', 'retract')),
    content      TEXT    NOT NULL,
    digest       BLOB    NOT NULL CHECK (length(digest) = 32),
    channels     TEXT    NOT NULL CHECK (length(channels) > 0),
    reason       TEXT    NOT NULL CHECK (length(reason) > 0),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn', 'exported',
                                                   'done', 'partly_failed', 'failed')),
    bundle_id    TEXT    REFERENCES exports(bundle_id),
    decided_by   INTEGER REFERENCES users(id),
    last_reason  TEXT    NOT NULL DEFAULT '',
    CHECK ((bundle_id IS NULL) = (state IN ('pending', 'approved', 'declined', 'withdrawn')))
) STRICT;
CREATE INDEX orders_post  ON orders(post_id, created_at, id);
CREATE INDEX orders_state ON orders(state, created_at, id);

CREATE TABLE order_approvals (
    order_id   TEXT    NOT NULL REFERENCES orders(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    digest     BLOB    NOT NULL CHECK (length(digest) = 32),
    signature  BLOB    NOT NULL CHECK (length(signature) = 64),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (order_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE order_results (
    order_id   TEXT    NOT NULL REFERENCES orders(id),
    channel    TEXT    NOT NULL,
    outcome    TEXT    NOT NULL CHECK (outcome IN ('cancelled', 'retracted', 'failed')),
    reason     TEXT    NOT NULL DEFAULT '',
    bundle_id  TEXT    NOT NULL REFERENCES receipts(bundle_id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (order_id, channel)
) STRICT, WITHOUT ROWID;
)sql";

} // namespace

const std::vector<SqliteMigration>& storeMigrations()
{
    static const std::vector<SqliteMigration> kMigrations{
        {1, kSchemaV1},
        {2, kSchemaV2},
        {3, kSchemaV3},
        {4, kSchemaV4},
    };
    return kMigrations;
}

} // namespace postern::store
