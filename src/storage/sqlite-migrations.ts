// Schema migrations for the SQLite backend, each applied once, in id order, and recorded in
// schema_migrations. Never edit a migration that has shipped: add one with a new id. Ids, not
// positions, decide what has run, so work on two features can each add one without a clash.

export interface Migration {
  id: number
  name: string
  sql: string
}

export const sqliteMigrations: Migration[] = [
  {
    id: 1, name: 'walking skeleton', sql: `
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
  `
  },
  {
    id: 2, name: 'version events (new, update, correction, kill) for signals and event headers', sql: `
  ALTER TABLE versions ADD COLUMN event TEXT NOT NULL DEFAULT 'new'
    CHECK (event IN ('new', 'update', 'correction', 'kill'));
  `
  },
  {
    id: 3, name: 'translation engine: segment memory, usage per version and language, glossary', sql: `
  CREATE TABLE translation_memory (
    source_hash TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    engine TEXT NOT NULL,
    glossary_version TEXT NOT NULL,
    translation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (source_hash, source_lang, target_lang, engine, glossary_version)
  ) WITHOUT ROWID;

  CREATE TABLE translation_usage (
    version_id TEXT NOT NULL REFERENCES versions(id),
    lang TEXT NOT NULL,
    chars_sent INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    segments_translated INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, lang)
  );

  ALTER TABLE translations ADD COLUMN segments INTEGER;
  ALTER TABLE translations ADD COLUMN segments_reused INTEGER;

  CREATE TABLE glossary_entries (
    id TEXT PRIMARY KEY,
    term TEXT NOT NULL,
    term_key TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    do_not_translate INTEGER NOT NULL,
    translations TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source_lang, term_key)
  );
  CREATE TABLE glossary_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
  );
  INSERT INTO glossary_state (id, version) VALUES (1, 0);
  `
  },
  {
    id: 4, name: 'wire formats: a subscriber chooses the version of its format (ninjs 3.1 or 2.2)', sql: `
  ALTER TABLE subscribers ADD COLUMN format_version TEXT;
  `
  },
  {
    id: 5, name: 'delivery engine: subscriber filters, secret rotation, pull mode, kills, subscriber keys', sql: `
  ALTER TABLE subscribers ADD COLUMN filters TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE subscribers ADD COLUMN mode TEXT NOT NULL DEFAULT 'push' CHECK (mode IN ('push', 'pull'));
  ALTER TABLE subscribers ADD COLUMN previous_secret TEXT;
  ALTER TABLE subscribers ADD COLUMN previous_secret_until TEXT;
  ALTER TABLE subscribers ADD COLUMN failing_since TEXT;
  ALTER TABLE subscribers ADD COLUMN disabled_reason TEXT;
  ALTER TABLE subscribers ADD COLUMN deleted_at TEXT;
  ALTER TABLE subscribers ADD COLUMN updated_at TEXT;

  CREATE TABLE subscriber_events (
    id INTEGER PRIMARY KEY,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX subscriber_events_by_subscriber ON subscriber_events (subscriber_id, id);

  -- A rendered document is stored once, by content hash, however many subscribers get it: a
  -- fan-out to 500 partners writes one body, not 500.
  CREATE TABLE documents (
    hash TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO documents (hash, content_type, body) SELECT 'row:' || id, content_type, body FROM deliveries;

  -- New statuses: 'canceled' (a kill superseded it before it left), 'feed' (held for a pull-only
  -- subscriber). SQLite cannot alter a CHECK, so the table is rebuilt (foreign keys are off while
  -- migrations run, and checked after).
  CREATE TABLE deliveries_new (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    version_id TEXT NOT NULL REFERENCES versions(id),
    sequence INTEGER NOT NULL,
    lang TEXT NOT NULL,
    format TEXT NOT NULL,
    document_hash TEXT NOT NULL REFERENCES documents(hash),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'canceled', 'feed')),
    priority INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    lease_until TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    UNIQUE (subscriber_id, sequence)
  );
  INSERT INTO deliveries_new (id, webhook_id, subscriber_id, version_id, sequence, lang, format, document_hash,
    status, attempts, next_attempt_at, lease_until, last_status_code, last_error, created_at, delivered_at)
  SELECT id, webhook_id, subscriber_id, version_id, sequence, lang, format, 'row:' || id,
    status, attempts, next_attempt_at, lease_until, last_status_code, last_error, created_at, delivered_at FROM deliveries;
  DROP TABLE deliveries;
  ALTER TABLE deliveries_new RENAME TO deliveries;
  -- The claim walks this index in its ORDER BY and stops after a few rows, whatever the backlog.
  CREATE INDEX deliveries_claim ON deliveries (status, priority DESC, next_attempt_at, sequence);
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
  CREATE INDEX deliveries_by_version ON deliveries (version_id);
  CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id, status, sequence);
  CREATE INDEX deliveries_in_flight ON deliveries (subscriber_id) WHERE lease_until IS NOT NULL;

  -- Keys of role 'subscriber' are bound to one subscriber (the pull feed).
  CREATE TABLE api_keys_new (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'subscriber')),
    label TEXT NOT NULL,
    subscriber_id TEXT REFERENCES subscribers(id),
    created_at TEXT NOT NULL,
    CHECK ((role = 'subscriber') = (subscriber_id IS NOT NULL))
  );
  INSERT INTO api_keys_new (id, hash, role, label, created_at) SELECT id, hash, role, label, created_at FROM api_keys;
  DROP TABLE api_keys;
  ALTER TABLE api_keys_new RENAME TO api_keys;
  `
  },
  {
    id: 65, name: 'poison stories: runs claimed but never finished, counted apart from attempts', sql: `
  ALTER TABLE versions ADD COLUMN unfinished_runs INTEGER NOT NULL DEFAULT 0;
  `
  },
  {
    id: 75, name: 'queues that cost the same at any backlog: kill priority as a column, one index per claim', sql: `
  -- A kill goes first. As an expression (event = 'kill') in ORDER BY it made every claim scan
  -- and sort the whole backlog; as a column it is the leading key of the queue indexes below,
  -- probed once per value (kills, then the rest), each probe a range walk that stops early.
  ALTER TABLE versions ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
  UPDATE versions SET priority = 1 WHERE event = 'kill';
  -- Partial indexes: a version is in a queue only while it waits in it, so each index holds the
  -- backlog, not the history, and the claims walk it in order (ties by insertion, the rowid).
  CREATE INDEX versions_translation_queue ON versions (priority, next_attempt_at)
    WHERE status IN ('received', 'translating');
  CREATE INDEX versions_distribution_queue ON versions (priority, next_attempt_at) WHERE status = 'translated';
  `
  },
  {
    id: 80, name: 'partner sequence numbers given when a message first leaves; one queue head per subscriber; replays marked', sql: `
  -- The enqueue counter becomes the queue position; sequence is what the partner sees, given to a
  -- push delivery when it is first sent (a canceled item never takes one) and to a feed item
  -- when it is written. Rows already written keep their numbers.
  ALTER TABLE deliveries RENAME COLUMN sequence TO position;
  ALTER TABLE deliveries ADD COLUMN sequence INTEGER;
  ALTER TABLE deliveries ADD COLUMN replayed_at TEXT;
  UPDATE deliveries SET sequence = position;
  CREATE UNIQUE INDEX deliveries_sequence ON deliveries (subscriber_id, sequence);
  ALTER TABLE subscribers RENAME COLUMN next_sequence TO next_position;
  ALTER TABLE subscribers ADD COLUMN next_sequence INTEGER NOT NULL DEFAULT 1;
  UPDATE subscribers SET next_sequence = next_position;
  -- The head of each subscriber's queue is its one pending row with a due time; rows behind it
  -- wait with none. Existing queues: the lowest sequence is the head.
  UPDATE deliveries SET next_attempt_at = NULL, lease_until = NULL WHERE status = 'pending'
    AND sequence > (SELECT MIN(h.sequence) FROM deliveries h WHERE h.subscriber_id = deliveries.subscriber_id AND h.status = 'pending');
  CREATE UNIQUE INDEX deliveries_head ON deliveries (subscriber_id) WHERE status = 'pending' AND next_attempt_at IS NOT NULL;
  -- What becomes the head next: numbered rows (replays, re-queued) by sequence, then the rest,
  -- kills first, in the order they were queued.
  CREATE INDEX deliveries_numbered_queue ON deliveries (subscriber_id, sequence) WHERE status = 'pending' AND sequence IS NOT NULL;
  CREATE INDEX deliveries_queue ON deliveries (subscriber_id, priority DESC, position) WHERE status = 'pending' AND sequence IS NULL;
  -- The claim walks the heads by due time (deliveries_due); this served the old claim.
  DROP INDEX IF EXISTS deliveries_claim;
  `
  },
  // Ids 85–89 were reserved for the editors' API (finding stories, comparing, cost, keys).
  {
    id: 85, name: 'finding stories: latest category and event on the article, headline search terms', sql: `
  ALTER TABLE articles ADD COLUMN category TEXT;
  ALTER TABLE articles ADD COLUMN event TEXT NOT NULL DEFAULT 'new';
  -- 0 until the headline's search terms are stored (migrate() fills in older stories).
  ALTER TABLE articles ADD COLUMN search_indexed INTEGER NOT NULL DEFAULT 0;
  UPDATE articles SET
    category = (SELECT json_extract(v.content, '$.category') FROM versions v
      WHERE v.article_id = articles.id AND v.version = articles.current_version),
    event = (SELECT v.event FROM versions v WHERE v.article_id = articles.id AND v.version = articles.current_version);
  -- The order stories arrived in (ingest takes MAX + 1 inside its write transaction): newest
  -- first is seq descending, and pages keep their place however many stories arrive in the same
  -- millisecond. Stories already stored are numbered in the order they were first received.
  ALTER TABLE articles ADD COLUMN seq INTEGER;
  UPDATE articles SET seq = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, rowid) AS n FROM articles) r
    WHERE r.id = articles.id;
  CREATE UNIQUE INDEX articles_newest ON articles (seq DESC);
  -- One index per filter, with the same order behind it.
  CREATE INDEX articles_by_category ON articles (category, seq DESC);
  CREATE INDEX articles_by_event ON articles (event, seq DESC);
  CREATE INDEX articles_by_time ON articles (created_at);
  CREATE INDEX articles_unindexed ON articles (id) WHERE search_indexed = 0;
  CREATE INDEX versions_by_status ON versions (status, article_id);
  CREATE TABLE article_terms (
    term TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id),
    PRIMARY KEY (term, article_id)
  ) WITHOUT ROWID;
  CREATE INDEX article_terms_by_article ON article_terms (article_id);
  `
  },
  {
    id: 86, name: 'comparing and cost: segment details and reused characters per translation, usage per day', sql: `
  ALTER TABLE translations ADD COLUMN chars_reused INTEGER;
  ALTER TABLE translations ADD COLUMN segment_details TEXT;
  CREATE TABLE usage_daily (
    day TEXT NOT NULL,
    lang TEXT NOT NULL,
    chars_sent INTEGER NOT NULL DEFAULT 0,
    chars_reused INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, lang)
  ) WITHOUT ROWID;
  -- Usage recorded before this table existed counts on the day its version was received.
  INSERT INTO usage_daily (day, lang, chars_sent, requests)
    SELECT substr(v.created_at, 1, 10), u.lang, SUM(u.chars_sent), SUM(u.requests)
    FROM translation_usage u JOIN versions v ON v.id = u.version_id GROUP BY 1, 2;
  `
  },
  {
    id: 87, name: 'keys: last used, revoked', sql: `
  ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;
  ALTER TABLE api_keys ADD COLUMN revoked_at TEXT;
  CREATE INDEX api_keys_active_by_role ON api_keys (role) WHERE revoked_at IS NULL;
  `
  },
  {
    id: 60, name: 'deleting a subscriber revokes its keys: find them by subscriber', sql: `
  CREATE INDEX api_keys_by_subscriber ON api_keys (subscriber_id) WHERE subscriber_id IS NOT NULL;
  `
  },
  {
    id: 88, name: 'indexes no statement reads: every write kept them up to date for nothing', sql: `
  -- versions_by_status answers every read by status; the deliveries' queue heads and the
  -- per-subscriber queues answer what deliveries_in_flight once did. Each index costs every
  -- insert and state change a B-tree write: with both gone a fan-out writes and sends its
  -- deliveries with 15 % less storage work (claim, record and distribute, per delivery).
  DROP INDEX IF EXISTS versions_work;
  DROP INDEX IF EXISTS deliveries_in_flight;
  `
  },
  {
    id: 90, name: 'a version\'s content in a table of its own: pipeline steps stop rewriting the story text', sql: `
  -- Every pipeline step updates its version's row (status, lease, attempts). With the story JSON
  -- in it the record overflowed its page, and an update that changes a record's size rewrites it
  -- whole: each step freed and rewrote the overflow page, a free-list page and page 1 (3 of its
  -- 6–10 WAL frames; bench/version-steps.ts). Content is written once and never updated. A rowid
  -- table, keyed by the version id: ~4 KB rows would starve a WITHOUT ROWID B-tree of fan-out.
  CREATE TABLE version_contents (
    version_id TEXT PRIMARY KEY REFERENCES versions(id),
    content TEXT NOT NULL
  );
  INSERT INTO version_contents (version_id, content) SELECT id, content FROM versions ORDER BY rowid;
  -- Nothing indexes, checks or references the column, so SQLite can drop it (rewriting each row).
  ALTER TABLE versions DROP COLUMN content;
  `
  },
  {
    id: 91, name: 'headline search in an FTS5 index: a post writes its terms as part of one segment, not a page per term', sql: `
  -- article_terms held a (term, story) row per headline word, about 20 a story: each post wrote
  -- a B-tree page per term, on a random page once headlines differ, and each looked its story up
  -- for the foreign key. FTS5 keeps the same terms (one document per story, its rowid the
  -- story's seq) and writes a transaction's terms together. Contentless: the terms are derived
  -- from the current headline, never read back; contentless_delete lets a new version replace them.
  CREATE VIRTUAL TABLE article_search USING fts5(terms, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0');
  INSERT INTO article_search (rowid, terms)
    SELECT a.seq, group_concat(t.term, ' ') FROM article_terms t JOIN articles a ON a.id = t.article_id GROUP BY a.seq;
  DROP TABLE article_terms;
  `
  },
  {
    id: 92, name: 'a subscriber\'s next sequence number and queue place are read from its outbox, not counted in its row', sql: `
  -- Every delivery updated its subscriber's row twice (the place when queued, the number when it
  -- first left): a WAL page per delivery for each, as a fan-out's rows are for different
  -- subscribers. Both are one past the subscriber's highest in the outbox's unique indexes
  -- (sqlite-queue.ts), since outbox rows are never deleted, and the counters were never behind.
  ALTER TABLE subscribers DROP COLUMN next_sequence;
  ALTER TABLE subscribers DROP COLUMN next_position;
  `
  },
  {
    id: 93, name: 'the outbox\'s number indexes hold only what is looked up in them', sql: `
  -- deliveries_sequence held a NULL entry for every message not yet sent, written with the row and
  -- rewritten when it took its number; no statement looks a NULL up. deliveries_numbered_queue held
  -- the queue head from its claim to its outcome, though it is only searched for numbered rows
  -- waiting behind the head (a replay). Each entry is a page in the subscriber's part of the index:
  -- 3.68 → 3.36 WAL frames per delivery (bench/outbox-steps.ts).
  DROP INDEX deliveries_sequence;
  CREATE UNIQUE INDEX deliveries_sequence ON deliveries (subscriber_id, sequence) WHERE sequence IS NOT NULL;
  DROP INDEX deliveries_numbered_queue;
  CREATE INDEX deliveries_numbered_queue ON deliveries (subscriber_id, sequence)
    WHERE status = 'pending' AND sequence IS NOT NULL AND next_attempt_at IS NULL;
  `
  },
  {
    id: 94, name: 'no per-subscriber index of the outbox by status', sql: `
  -- deliveries_by_subscriber (subscriber, status, place) took 0.87 of the 3.8 WAL pages a delivery
  -- costs (bench:outbox-steps): an entry written with the row, in the subscriber's part of the
  -- index, moved to another page when the status changes. No hot statement reads it: a
  -- subscriber's list walks its unique (subscriber, position) index, and so does a replay;
  -- deleting a subscriber finds what is queued through the queue's own indexes, and its feed rows
  -- (written once, never moved: pull subscribers pay for them as before) through deliveries_feed.
  DROP INDEX deliveries_by_subscriber;
  CREATE INDEX deliveries_feed ON deliveries (subscriber_id, sequence) WHERE status = 'feed';
  `
  },
  {
    id: 95, name: 'a subscriber\'s list is read in index order', sql: `
  -- The list (numbered rows by sequence, then the queue, kills first) was read by sorting every
  -- row of the subscriber: 48 ms a page at 100,000 rows, growing with its history. It is now read
  -- in index order (sqlite-deliveries.ts): numbered rows by deliveries_sequence, queued ones by
  -- deliveries_queue, and rows canceled before they were ever sent, which keep their queue place
  -- in the list, by deliveries_unsent_canceled (written only when such a row is canceled). A list
  -- of dead rows reads deliveries_dead (written when a row dies) rather than walking every
  -- delivered one; pending rows are read from the queue's indexes, feed rows from deliveries_feed.
  CREATE INDEX deliveries_unsent_canceled ON deliveries (subscriber_id, priority DESC, position)
    WHERE status = 'canceled' AND sequence IS NULL;
  CREATE INDEX deliveries_dead ON deliveries (subscriber_id, sequence) WHERE status = 'dead';
  `
  },
  {
    id: 96, name: 'the due index holds the queue heads only', sql: `
  -- deliveries_due (status, due time) held every row of the outbox: a fan-out's rows entered it
  -- (pending, no due time), and a delivered one moved to (delivered, none), 0.55 of 2.93 WAL pages
  -- a delivery. The claim and the next wake-up only look for heads (a pending row with a due
  -- time); the /metrics gauge counts the pending rows through the queue's indexes (sqlite-gauges.ts).
  DROP INDEX deliveries_due;
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending' AND next_attempt_at IS NOT NULL;
  `
  }
]
