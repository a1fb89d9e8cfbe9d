// Schema migrations for the PostgreSQL backend, each applied once, in id order, and recorded in
// schema_migrations (the same rules as sqlite-migrations.ts: never edit one that has shipped, add
// one with a new id). Nothing shipped on PostgreSQL before, so migration 1 is the whole schema
// SQLite reached through its migrations 1–5.
//
// Types: ids and JSON are text (JSON as the same strings SQLite stores, so both backends hand out
// identical values); timestamps are the interface's ISO strings as text COLLATE "C" — that fixed
// format in byte order is time order whatever the database's locale, and values come back exactly
// as written. Every column that is sorted or compared is COLLATE "C", matching SQLite's BINARY.
// Counters are INTEGER so the driver returns numbers; identity columns only order rows.
import type { PgDb } from './pg-tx.ts'

export interface PgMigration {
  id: number
  name: string
  sql: string
}

export const pgMigrations: PgMigration[] = [
  {
    id: 1, name: 'the whole schema of SQLite migrations 1–5', sql: `
  CREATE TABLE subscribers (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    -- Pull subscribers have no endpoint: '' (as on SQLite).
    url TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT 'push' CHECK (mode IN ('push', 'pull')),
    format TEXT NOT NULL,
    format_version TEXT,
    languages TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TEXT COLLATE "C",
    active BOOLEAN NOT NULL DEFAULT true,
    -- Taken with UPDATE … RETURNING, which locks the row: gap-free under concurrent fan-outs.
    next_sequence INTEGER NOT NULL DEFAULT 1,
    failing_since TEXT COLLATE "C",
    disabled_reason TEXT,
    deleted_at TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C"
  );

  CREATE TABLE subscriber_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id TEXT COLLATE "C" NOT NULL REFERENCES subscribers(id),
    at TEXT COLLATE "C" NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX subscriber_events_by_subscriber ON subscriber_events (subscriber_id, id);

  -- Keys of role 'subscriber' are bound to one subscriber (the pull feed).
  CREATE TABLE api_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'subscriber')),
    label TEXT NOT NULL,
    subscriber_id TEXT COLLATE "C" REFERENCES subscribers(id),
    created_at TEXT COLLATE "C" NOT NULL,
    CHECK ((role = 'subscriber') = (subscriber_id IS NOT NULL))
  );

  CREATE TABLE articles (
    id TEXT COLLATE "C" PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    current_version INTEGER NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
  );

  CREATE TABLE versions (
    -- Insertion order, the claim's last tie-break (SQLite's rowid).
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT COLLATE "C" PRIMARY KEY,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    content TEXT NOT NULL,
    event TEXT NOT NULL DEFAULT 'new' CHECK (event IN ('new', 'update', 'correction', 'kill')),
    pub_status TEXT NOT NULL DEFAULT 'usable',
    status TEXT NOT NULL,
    status_reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C",
    lease_until TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (article_id, version)
  );
  CREATE INDEX versions_work ON versions (status, next_attempt_at);

  CREATE TABLE translations (
    version_id TEXT COLLATE "C" NOT NULL REFERENCES versions(id),
    lang TEXT COLLATE "C" NOT NULL,
    content TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    chars_sent INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    segments INTEGER,
    segments_reused INTEGER,
    PRIMARY KEY (version_id, lang)
  );

  CREATE TABLE translation_memory (
    source_hash TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    engine TEXT NOT NULL,
    glossary_version TEXT NOT NULL,
    translation TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (source_hash, source_lang, target_lang, engine, glossary_version)
  );

  CREATE TABLE translation_usage (
    version_id TEXT COLLATE "C" NOT NULL REFERENCES versions(id),
    lang TEXT NOT NULL,
    chars_sent INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    segments_translated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, lang)
  );

  CREATE TABLE glossary_entries (
    id TEXT COLLATE "C" PRIMARY KEY,
    term TEXT NOT NULL,
    term_key TEXT COLLATE "C" NOT NULL,
    source_lang TEXT COLLATE "C" NOT NULL,
    do_not_translate BOOLEAN NOT NULL,
    translations TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (source_lang, term_key)
  );
  -- One row: every glossary writer locks it first, so changes and version numbers never interleave.
  CREATE TABLE glossary_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
  );
  INSERT INTO glossary_state (id, version) VALUES (1, 0);

  -- A rendered document is stored once, by content hash, however many subscribers get it.
  CREATE TABLE documents (
    hash TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL
  );

  CREATE TABLE deliveries (
    id TEXT COLLATE "C" PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE,
    subscriber_id TEXT COLLATE "C" NOT NULL REFERENCES subscribers(id),
    version_id TEXT COLLATE "C" NOT NULL REFERENCES versions(id),
    sequence INTEGER NOT NULL,
    lang TEXT COLLATE "C" NOT NULL,
    format TEXT NOT NULL,
    document_hash TEXT NOT NULL REFERENCES documents(hash),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'canceled', 'feed')),
    priority INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C",
    lease_until TEXT COLLATE "C",
    last_status_code INTEGER,
    last_error TEXT,
    created_at TEXT COLLATE "C" NOT NULL,
    delivered_at TEXT COLLATE "C",
    UNIQUE (subscriber_id, sequence)
  );
  -- The claim walks this index in its ORDER BY and stops after a few rows, whatever the backlog.
  CREATE INDEX deliveries_claim ON deliveries (priority DESC, next_attempt_at, sequence) WHERE status = 'pending';
  CREATE INDEX deliveries_by_version ON deliveries (version_id);
  CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id, status, sequence);
  CREATE INDEX deliveries_in_flight ON deliveries (subscriber_id) WHERE lease_until IS NOT NULL;

  CREATE TABLE attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries(id),
    at TEXT COLLATE "C" NOT NULL,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    error TEXT,
    response_excerpt TEXT
  );
  CREATE INDEX attempts_by_delivery ON attempts (delivery_id);
  `
  },
  {
    id: 65, name: 'poison stories: runs claimed but never finished, counted apart from attempts', sql: `
  ALTER TABLE versions ADD COLUMN unfinished_runs INTEGER NOT NULL DEFAULT 0;
  `
  },
  {
    id: 75, name: 'queues that cost the same at any backlog (as SQLite 75), and the delivery due-time index', sql: `
  -- A kill goes first: as a column, the leading key of the queue indexes, probed once per value.
  ALTER TABLE versions ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
  UPDATE versions SET priority = 1 WHERE event = 'kill';
  -- Partial: an index holds a queue's backlog, not the history; claims walk it in order.
  CREATE INDEX versions_translation_queue ON versions (priority, next_attempt_at, seq)
    WHERE status IN ('received', 'translating');
  CREATE INDEX versions_distribution_queue ON versions (priority, next_attempt_at, seq) WHERE status = 'translated';
  -- nextDueTime('deliveries') walks this in order and stops at the first ready row.
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
  `
  },
  {
    id: 80, name: 'partner sequence numbers given when a message first leaves; one queue head per subscriber; replays marked', sql: `
  -- The same change as SQLite migration 80 (see there for why).
  ALTER TABLE deliveries RENAME COLUMN sequence TO position;
  ALTER TABLE deliveries ADD COLUMN sequence INTEGER;
  ALTER TABLE deliveries ADD COLUMN replayed_at TEXT COLLATE "C";
  UPDATE deliveries SET sequence = position;
  CREATE UNIQUE INDEX deliveries_sequence ON deliveries (subscriber_id, sequence);
  ALTER TABLE subscribers RENAME COLUMN next_sequence TO next_position;
  ALTER TABLE subscribers ADD COLUMN next_sequence INTEGER NOT NULL DEFAULT 1;
  UPDATE subscribers SET next_sequence = next_position;
  UPDATE deliveries d SET next_attempt_at = NULL, lease_until = NULL WHERE d.status = 'pending'
    AND d.sequence > (SELECT MIN(h.sequence) FROM deliveries h WHERE h.subscriber_id = d.subscriber_id AND h.status = 'pending');
  CREATE UNIQUE INDEX deliveries_head ON deliveries (subscriber_id) WHERE status = 'pending' AND next_attempt_at IS NOT NULL;
  CREATE INDEX deliveries_numbered_queue ON deliveries (subscriber_id, sequence) WHERE status = 'pending' AND sequence IS NOT NULL;
  CREATE INDEX deliveries_queue ON deliveries (subscriber_id, priority DESC, position) WHERE status = 'pending' AND sequence IS NULL;
  CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
  DROP INDEX IF EXISTS deliveries_claim;
  `
  },
  // Ids 85–89 were reserved for the editors' API (finding stories, comparing, cost, keys).
  {
    id: 85, name: 'finding stories: latest category and event on the article, headline search terms', sql: `
  ALTER TABLE articles ADD COLUMN category TEXT COLLATE "C";
  ALTER TABLE articles ADD COLUMN event TEXT NOT NULL DEFAULT 'new';
  -- false until the headline's search terms are stored (migrate() fills in older stories).
  ALTER TABLE articles ADD COLUMN search_indexed BOOLEAN NOT NULL DEFAULT false;
  UPDATE articles a SET category = v.content::json->>'category', event = v.event
    FROM versions v WHERE v.article_id = a.id AND v.version = a.current_version;
  -- The order stories arrived in (an identity): newest first is seq descending, and pages keep
  -- their place however many stories arrive in the same millisecond. Stories already stored are
  -- numbered in the order they were first received.
  ALTER TABLE articles ADD COLUMN seq BIGINT;
  UPDATE articles a SET seq = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM articles) r
    WHERE r.id = a.id;
  ALTER TABLE articles ALTER COLUMN seq SET NOT NULL;
  ALTER TABLE articles ALTER COLUMN seq ADD GENERATED BY DEFAULT AS IDENTITY;
  SELECT setval(pg_get_serial_sequence('articles', 'seq'), COALESCE(MAX(seq), 0) + 1, false) FROM articles;
  CREATE UNIQUE INDEX articles_newest ON articles (seq DESC);
  -- One index per filter, with the same order behind it.
  CREATE INDEX articles_by_category ON articles (category, seq DESC);
  CREATE INDEX articles_by_event ON articles (event, seq DESC);
  CREATE INDEX articles_by_time ON articles (created_at);
  CREATE INDEX articles_unindexed ON articles (id) WHERE NOT search_indexed;
  CREATE INDEX versions_by_status ON versions (status, article_id);
  -- Byte order (COLLATE "C"): a prefix search is a range scan, as on SQLite.
  CREATE TABLE article_terms (
    term TEXT COLLATE "C" NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id),
    PRIMARY KEY (term, article_id)
  );
  CREATE INDEX article_terms_by_article ON article_terms (article_id);
  `
  },
  {
    id: 86, name: 'comparing and cost: segment details and reused characters per translation, usage per day', sql: `
  ALTER TABLE translations ADD COLUMN chars_reused INTEGER;
  ALTER TABLE translations ADD COLUMN segment_details TEXT;
  CREATE TABLE usage_daily (
    day TEXT COLLATE "C" NOT NULL,
    lang TEXT COLLATE "C" NOT NULL,
    chars_sent INTEGER NOT NULL DEFAULT 0,
    chars_reused INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, lang)
  );
  -- Usage recorded before this table existed counts on the day its version was received.
  INSERT INTO usage_daily (day, lang, chars_sent, requests)
    SELECT substr(v.created_at, 1, 10), u.lang, SUM(u.chars_sent), SUM(u.requests)
    FROM translation_usage u JOIN versions v ON v.id = u.version_id GROUP BY 1, 2;
  `
  },
  {
    id: 87, name: 'keys: last used, revoked', sql: `
  ALTER TABLE api_keys ADD COLUMN last_used_at TEXT COLLATE "C";
  ALTER TABLE api_keys ADD COLUMN revoked_at TEXT COLLATE "C";
  CREATE INDEX api_keys_active_by_role ON api_keys (role) WHERE revoked_at IS NULL;
  `
  },
  {
    id: 60, name: 'deleting a subscriber revokes its keys: find them by subscriber', sql: `
  CREATE INDEX api_keys_by_subscriber ON api_keys (subscriber_id) WHERE subscriber_id IS NOT NULL;
  `
  },
  {
    id: 95, name: 'a subscriber\'s list is read in index order', sql: `
  -- The list (numbered rows by sequence, then the queue, kills first) sorted every row of the
  -- subscriber for each page. Numbered rows are read from deliveries_sequence (or, by status, from
  -- deliveries_by_subscriber), queued ones from deliveries_queue, and rows canceled before they
  -- were ever sent, which keep their queue place in the list, from this index (pg-deliveries.ts).
  CREATE INDEX deliveries_unsent_canceled ON deliveries (subscriber_id, priority DESC, position)
    WHERE status = 'canceled' AND sequence IS NULL;
  `
  }
]

/**
 * Applies the migrations not yet recorded, all in one transaction under an advisory lock: two
 * instances starting together queue here, and the second finds everything applied. The lock key
 * includes the schema, so separate schemas in one database (tests) do not wait on each other.
 */
export async function migratePg (db: PgDb): Promise<void> {
  await db.tx(async (sql) => {
    await sql.rows('SELECT pg_advisory_xact_lock(hashtext(\'nashra.migrate\'), hashtext(current_schema()))')
    await sql.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
    const applied = new Set((await sql.rows<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version))
    for (const migration of [...pgMigrations].sort((a, b) => a.id - b.id)) {
      if (applied.has(migration.id)) continue
      await sql.run(migration.sql)
      await sql.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.id, migration.name, new Date().toISOString()])
    }
  })
}
