// What the OpenAPI document says about each route that its TypeBox schemas cannot: a summary,
// a description, and request examples. Keyed by "METHOD /url" as Fastify registers the route. A
// route's own `schema.summary`/`schema.description` win; a route with neither fails
// test/app/openapi.test.ts, so a new route cannot go undocumented.

export interface RouteDoc {
  summary: string
  description?: string
  /** Example request bodies, by name. */
  bodyExamples?: Record<string, unknown>
}

/** An Arabic story as a CMS would post it (invented for the documentation). */
export const EXAMPLE_STORY = {
  guid: 'urn:example:story:1',
  headline: 'افتتاح معرض الكتاب في عمّان',
  body: 'افتتح المعرض أبوابه صباح اليوم.\nويشارك فيه 300 ناشر.',
  byline: 'ليلى حداد',
  dateline: 'عمّان',
  category: 'culture',
  urgency: 4
}

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /health': { summary: 'Liveness', description: 'The process answers. No key needed.' },
  'GET /ready': { summary: 'Readiness', description: 'The database answers: 200, else 503. No key needed.' },
  'GET /metrics': { summary: 'Prometheus metrics' },

  'POST /v1/articles': {
    summary: 'Post a story (a new story or the next version of one)',
    description: 'Body paragraphs are separated by newlines. 202: a new version is on its way; 200: the content is unchanged ' +
      '(same guid, same content), nothing was written. A changed story becomes the next version: an update, or a correction ' +
      'with `"correction": true`.',
    bodyExamples: {
      story: { summary: 'A new Arabic story', value: EXAMPLE_STORY },
      correction: {
        summary: 'A correction of the same story, with a note to partners\' desks',
        value: { ...EXAMPLE_STORY, body: 'افتتح المعرض أبوابه صباح اليوم.\nويشارك فيه 350 ناشراً.', correction: true, note: 'تصحيح عدد الناشرين: 350 لا 300.' }
      }
    }
  },
  'GET /v1/articles': {
    summary: 'List and search stories',
    description: 'Newest first, a page at a time: pass `nextCursor` back as `cursor`. Filters combine: `guid`, `status` and `event` ' +
      '(of the latest version), `category`, `since`/`until` (first received), `q` (headline words; Arabic matching ignores ' +
      'tashkeel and tatweel and folds أ إ آ ٱ to ا, ى to ي, ة to ه, and the article written onto a word).'
  },
  'GET /v1/articles/:id': {
    summary: 'One version of a story: original and translations side by side, history, cost',
    description: 'The latest version, or `?version=n` (404 lists the versions that exist). Per language the translation with a ' +
      'segment-by-segment comparison (from memory or not, glossary terms applied); the deliveries; the version history; ' +
      'the translation cost per language at TRANSLATION_PRICE_PER_MILLION_CHARS.'
  },
  'GET /v1/articles/:id/versions': { summary: 'The version history of a story', description: 'Per version: event, status, time and the editor\'s note.' },
  'POST /v1/articles/:id/kill': {
    summary: 'Kill (withdraw) a story',
    description: 'Writes a kill version that every partner that had the story receives first, ahead of its queue. An optional ' +
      '`reason`, in the story\'s language, goes to partners as the kill\'s note, translated (it never waits for the engine).',
    bodyExamples: { reason: { summary: 'A kill with its reason', value: { reason: 'سُحب الخبر لأن الأرقام لم تتأكد.' } } }
  },
  'POST /v1/articles/:id/retry': { summary: 'Translate a failed story again', description: '409 when the latest version has not failed.' },
  'GET /v1/articles/:id/renditions/:format': { summary: 'Render any version in any format and language it exists in' },

  'POST /v1/subscribers': {
    summary: 'Register a partner (push webhook or pull feed)',
    description: 'The reply holds the webhook signing secret, shown only this once.',
    bodyExamples: {
      push: { summary: 'A partner receiving NewsML-G2 in English', value: { name: 'Partner Wire', url: 'https://partner.example.org/webhooks/nashra', format: 'newsml-g2', languages: ['en'] } },
      pull: { summary: 'A partner reading its feed', value: { name: 'Feed Reader', mode: 'pull', format: 'ninjs', formatVersion: '3.1', languages: ['en', 'fr'] } }
    }
  },
  'GET /v1/subscribers': { summary: 'List partners' },
  'GET /v1/subscribers/:id': { summary: 'One partner' },
  'PATCH /v1/subscribers/:id': { summary: 'Change a partner (URL, format, languages, filters, active)' },
  'DELETE /v1/subscribers/:id': { summary: 'Delete a partner', description: 'Its pending deliveries are no longer sent.' },
  'POST /v1/subscribers/:id/rotate-secret': { summary: 'Rotate the signing secret', description: 'The old secret keeps signing beside the new one for SECRET_ROTATION_OVERLAP.' },
  'GET /v1/subscribers/:id/events': { summary: 'What happened to a partner (disabled, enabled, secret rotated)' },
  'GET /v1/subscribers/:id/deliveries': { summary: 'A partner\'s deliveries, newest first' },
  'POST /v1/subscribers/:id/replay': { summary: 'Send a partner everything again since a time', description: 'Same sequence numbers, webhook ids and documents, so the partner can deduplicate.' },

  'GET /v1/deliveries/:id': { summary: 'One delivery and its attempts' },
  'POST /v1/deliveries/:id/retry': { summary: 'Queue one delivery again' },

  'GET /v1/feed': { summary: 'Read the pull feed (subscriber key), optionally long-polling' },
  'GET /v1/feed.atom': { summary: 'The pull feed as an Atom document' },

  'GET /v1/glossary': { summary: 'The newsroom glossary' },
  'POST /v1/glossary': {
    summary: 'Add or replace a glossary term',
    bodyExamples: { term: { summary: 'A term with its English rendering', value: { term: 'منظمة معاهدة الأمن الجماعي', translations: { en: 'Collective Security Treaty Organization (CSTO)' } } } }
  },
  'DELETE /v1/glossary/:id': { summary: 'Remove a glossary term' },

  'POST /v1/keys': {
    summary: 'Create an API key (shown once)',
    bodyExamples: { editor: { summary: 'A key for the CMS', value: { role: 'editor', label: 'CMS' } } }
  },
  'GET /v1/keys': { summary: 'List API keys (never the key itself)' },
  'DELETE /v1/keys/:id': { summary: 'Revoke an API key at once', description: 'Its next request is refused. 409 for the last admin key.' },
  'GET /v1/usage': {
    summary: 'Translation cost per day and language',
    description: 'Characters sent to the engine, characters reused from the translation memory, requests, and an estimate in US ' +
      'dollars at TRANSLATION_PRICE_PER_MILLION_CHARS. `since`/`until` are UTC days (default: the last 30).'
  },
  'GET /v1/pipeline': {
    summary: 'How far behind the pipeline is',
    description: 'Versions accepted and not yet distributed, with the age of the oldest; counts and oldest age per status; ' +
      'pending push deliveries. Read from the database on each request: its cost follows the backlog, not history.'
  }
}
