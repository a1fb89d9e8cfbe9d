// npm run bench:translation — prints figures, asserts nothing.
// What Nashra sends Google (characters are what Google bills) for each article: the first
// publish, an identical re-post, a new version with one changed paragraph, and the same article
// for subscribers in en+fr; and requests per article and language. Characters are counted from
// the emulator's own request log (codepoints of every translateText content), so the figures do
// not rely on Nashra's bookkeeping, and compared with what Nashra recorded.
// Targets: re-post 0; one changed paragraph ≤ 1.05 × that paragraph; first publish ≤ 1.02 × the
// source characters; 1 request per language under 30,000 codepoints.
//
// Articles come from ../shared/samples when it is there (read, never copied into the repository);
// otherwise from the project's own fixtures. Everything runs on 127.0.0.1: the real Google client
// against the project's emulator, and a real SQLite file in a temporary directory.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ingestArticle } from '../src/articles/ingest.ts'
import type { ArticleFields } from '../schemas/articles.ts'
import { openSqliteStorage } from '../src/storage/sqlite.ts'
import { codepointLength } from '../src/translation/batching.ts'
import { startEmulator } from '../src/translation/emulator/server.ts'
import { EMPTY_GLOSSARY, prepareGlossary, putGlossaryEntry } from '../src/translation/glossary.ts'
import { createGoogleV3Provider } from '../src/translation/google-v3.ts'
import { segmentContent } from '../src/translation/segments.ts'
import { translateVersion } from '../src/translation/translate-version.ts'
import { marketPost, summitPost } from '../test/fixtures/articles/post-bodies.ts'

const samplesDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'samples')
const ADDED_SENTENCE = ' وأضاف المصدر أن التفاصيل ستعلن لاحقا.'

interface Article { name: string; fields: ArticleFields }

async function articles (): Promise<{ list: Article[]; source: string }> {
  const files = (await readdir(samplesDir).catch(() => [])).filter((f) => f.endsWith('.json')).sort()
  const list: Article[] = []
  for (const file of files) {
    const sample = JSON.parse(await readFile(path.join(samplesDir, file), 'utf8')) as { headline?: unknown; body?: unknown }
    if (typeof sample.body !== 'string') continue
    const paragraphs = sample.body.split('\n').filter((p) => p.trim() !== '')
    const headline = typeof sample.headline === 'string' && sample.headline.trim() !== '' ? sample.headline : paragraphs[0] ?? ''
    list.push({ name: file.replace(/\.json$/, ''), fields: { headline, body: sample.body } })
  }
  if (list.length > 0) return { list, source: `${list.length} articles from ../shared/samples` }
  return { list: [{ name: 'summit', fields: summitPost }, { name: 'market', fields: marketPost }], source: 'the project\'s fixtures' }
}

const pad = (value: string | number, width: number): string => String(value).padStart(width)
const ratio = (a: number, b: number): string => (b === 0 ? '   -' : (a / b).toFixed(3))

async function main (): Promise<void> {
  const { list, source } = await articles()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nashra-bench-translation-'))
  const storage = openSqliteStorage(path.join(dir, 'nashra.db'))
  const emulator = await startEmulator()
  const provider = createGoogleV3Provider({ projectId: 'nashra-bench', location: 'global', endpoint: emulator.url })
  let clock = Date.UTC(2026, 0, 1)
  const now = (): Date => {
    clock += 1000
    return new Date(clock)
  }
  const deps = { provider, storage, glossary: EMPTY_GLOSSARY, now }
  // No pipeline runs here: the bench translates each version itself, so there is nobody to wake.
  const noPipeline = { wake () {}, wakeVersions () {} }
  // Characters and requests Google saw since the last look.
  let seen = 0
  const sent = (): { chars: number; requests: number } => {
    const fresh = emulator.translateRequests().slice(seen)
    seen += fresh.length
    return { chars: fresh.reduce((n, r) => n + r.contents.reduce((m, c) => m + codepointLength(c), 0), 0), requests: fresh.length }
  }

  try {
    await storage.migrate()
    console.log(`Translation characters sent to Google, over ${source}. Engine: the Google v3 client against the emulator.`)
    console.log('source = codepoints of all segments; first/changed/en+fr = codepoints sent; req = translateText requests\n')
    console.log(`${'article'.padEnd(44)} ${pad('source', 7)} ${pad('first', 7)} ${pad('ratio', 6)} ${pad('req', 3)} ${pad('repost', 6)} ${pad('para', 5)} ${pad('changed', 7)} ${pad('ratio', 6)} ${pad('en+fr', 7)} ${pad('req/lang', 8)}`)
    const totals = { source: 0, first: 0, repost: 0, para: 0, changed: 0, enfr: 0, requests: 0, langs: 0, worstFirst: 0, worstChanged: 0, maxReqPerLang: 0 }

    for (const article of list) {
      const guid = `urn:bench:${article.name}`
      const first = await ingestArticle(storage, noPipeline, { ...article.fields, guid }, now())
      const v1 = (await storage.getVersion(first.articleId, first.version))!
      const sourceChars = segmentContent(v1.content).reduce((n, s) => n + codepointLength(s.text), 0)
      const en = await translateVersion(deps, v1, 'en')
      const firstSent = sent()

      // The same article posted again: ingest finds it unchanged, so there is no new version to translate.
      const repost = await ingestArticle(storage, noPipeline, { ...article.fields, guid }, now())
      if (repost.kind === 'created') await translateVersion(deps, (await storage.getVersion(repost.articleId, repost.version))!, 'en')
      const repostSent = sent()

      // A new version whose middle paragraph gained a sentence.
      const paragraphs = v1.content.paragraphs
      const middle = Math.floor(paragraphs.length / 2)
      const changedParagraph = paragraphs[middle]! + ADDED_SENTENCE
      const body = paragraphs.map((p, i) => (i === middle ? changedParagraph : p)).join('\n')
      const update = await ingestArticle(storage, noPipeline, { ...article.fields, body, guid }, now())
      await translateVersion(deps, (await storage.getVersion(update.articleId, update.version))!, 'en')
      const changedSent = sent()

      // Subscribers in en and fr: the first version in French too (English is in memory already).
      await translateVersion(deps, v1, 'fr')
      const frSent = sent()
      const enfr = firstSent.chars + frSent.chars
      const reqPerLang = Math.max(firstSent.requests, frSent.requests)
      if (en.charsSent !== firstSent.chars) console.log(`  ! ${article.name}: Nashra recorded ${en.charsSent} characters, Google saw ${firstSent.chars}`)

      const para = codepointLength(changedParagraph)
      console.log(`${article.name.slice(0, 44).padEnd(44)} ${pad(sourceChars, 7)} ${pad(firstSent.chars, 7)} ${pad(ratio(firstSent.chars, sourceChars), 6)} ${pad(firstSent.requests, 3)} ${pad(repostSent.chars, 6)} ${pad(para, 5)} ${pad(changedSent.chars, 7)} ${pad(ratio(changedSent.chars, para), 6)} ${pad(enfr, 7)} ${pad(reqPerLang, 8)}`)
      totals.source += sourceChars
      totals.first += firstSent.chars
      totals.repost += repostSent.chars
      totals.para += para
      totals.changed += changedSent.chars
      totals.enfr += enfr
      totals.requests += firstSent.requests + frSent.requests
      totals.langs += 2
      totals.worstFirst = Math.max(totals.worstFirst, firstSent.chars / sourceChars)
      totals.worstChanged = Math.max(totals.worstChanged, changedSent.chars / para)
      totals.maxReqPerLang = Math.max(totals.maxReqPerLang, reqPerLang)
    }

    const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED')
    console.log(`\n${'total'.padEnd(44)} ${pad(totals.source, 7)} ${pad(totals.first, 7)} ${pad(ratio(totals.first, totals.source), 6)} ${pad('', 3)} ${pad(totals.repost, 6)} ${pad(totals.para, 5)} ${pad(totals.changed, 7)} ${pad(ratio(totals.changed, totals.para), 6)} ${pad(totals.enfr, 7)}`)
    console.log('\nTargets:')
    console.log(`  identical re-post sends 0 characters:              ${totals.repost} in all             ${mark(totals.repost === 0)}`)
    console.log(`  one changed paragraph ≤ 1.05 × the paragraph:      worst ${totals.worstChanged.toFixed(3)} ×          ${mark(totals.worstChanged <= 1.05)}`)
    console.log(`  first publish ≤ 1.02 × the source characters:      worst ${totals.worstFirst.toFixed(3)} ×          ${mark(totals.worstFirst <= 1.02)}`)
    console.log(`  1 request per language under 30,000 codepoints:   at most ${totals.maxReqPerLang} (mean ${(totals.requests / totals.langs).toFixed(2)})  ${mark(totals.maxReqPerLang === 1)}`)

    // For information (no target): the cost of glossary placeholders, on a language not yet in memory.
    await putGlossaryEntry(storage, { term: 'منظمة معاهدة الأمن الجماعي', translations: { de: 'Organisation des Vertrags über kollektive Sicherheit (OVKS)' } }, now())
    const glossary = prepareGlossary(await storage.getGlossary(), 'ar')
    let withTerm = 0
    let termSource = 0
    let chars = 0
    for (const article of list) {
      const v1 = (await storage.getVersion((await ingestArticle(storage, noPipeline, { ...article.fields, guid: `urn:bench:${article.name}` }, now())).articleId, 1))!
      await translateVersion({ ...deps, glossary }, v1, 'de')
      const de = sent()
      const placeholders = emulator.translateRequests().slice(-de.requests).flatMap((r) => r.contents).join('').split('translate="no"').length - 1
      if (placeholders === 0) continue
      withTerm++
      termSource += segmentContent(v1.content).reduce((n, seg) => n + codepointLength(seg.text), 0)
      chars += de.chars
    }
    if (withTerm > 0) {
      console.log(`\nWith a glossary entry (منظمة معاهدة الأمن الجماعي → de), articles holding the term: ${withTerm}; ` +
        `first publish into de sent ${chars} characters for ${termSource} source characters (${ratio(chars, termSource)} ×, text/html with placeholders)`)
    }
  } finally {
    await provider.close()
    await emulator.close()
    await storage.close()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
