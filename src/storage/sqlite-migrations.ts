// Schema migrations for the SQLite backend, each applied once, in id order, and recorded in
// schema_migrations. Never edit a migration that has shipped: add one with a new id. Ids, not
// positions, decide what has run, so work on two features can each add one without a clash.

export interface Migration {
  id: number
  name: string
  sql: string
}

export const sqliteMigrations: Migration[] = [
  { id: 1, name: 'walking skeleton', sql: `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE versions (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    content TEXT NOT NULL,
    pub_status TEXT NOT NULL DEFAULT 'usable',
    status TEXT NOT NULL,
    status_reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    lease_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (article_id, version)
  );
  CREATE INDEX versions_work ON versions (status, next_attempt_at);

  CREATE TABLE translations (
    version_id TEXT NOT NULL REFERENCES versions(id),
    lang TEXT NOT NULL,
    content TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    chars_sent INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (version_id, lang)
  );

  CREATE TABLE subscribers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL,
    languages TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    next_sequence INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
  );

  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    version_id TEXT NOT NULL REFERENCES versions(id),
    sequence INTEGER NOT NULL,
    lang TEXT NOT NULL,
    format TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    lease_until TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    UNIQUE (subscriber_id, sequence)
  );
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
  CREATE INDEX deliveries_by_version ON deliveries (version_id);

  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES deliveries(id),
    at TEXT NOT NULL,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    error TEXT,
    response_excerpt TEXT
  );
  CREATE INDEX attempts_by_delivery ON attempts (delivery_id);
  ` },
  { id: 2, name: 'version events (new, update, correction, kill) for signals and event headers', sql: `
  ALTER TABLE versions ADD COLUMN event TEXT NOT NULL DEFAULT 'new'
    CHECK (event IN ('new', 'update', 'correction', 'kill'));
  ` }
]
