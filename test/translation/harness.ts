// Shared set-up for translation tests: the real Google client against the project's emulator on
// 127.0.0.1, a real SQLite file, and Arabic text written for these tests (not from any corpus).
import path from 'node:path'
import type { ArticleFields } from '../../schemas/articles.ts'
import { contentHash, normalizeArticle } from '../../src/articles/normalize.ts'
import type { StoredVersion } from '../../src/articles/types.ts'
import { openSqliteStorage } from '../../src/storage/sqlite.ts'
import type { Storage } from '../../src/storage/types.ts'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/translation/emulator/server.ts'
import { createGoogleV3Provider, type GoogleV3Options } from '../../src/translation/google-v3.ts'
import { prepareGlossary } from '../../src/translation/glossary.ts'
import { translateVersion } from '../../src/translation/translate-version.ts'
import type { TranslationProvider } from '../../src/translation/types.ts'
import { tempDir } from '../helpers/app.ts'

export const PROJECT = 'nashra-test'

const WORDS = ['أعلنت', 'الحكومة', 'اليوم', 'عن', 'خطة', 'جديدة', 'لدعم', 'المزارعين', 'في', 'المناطق', 'الشمالية',
  'وقال', 'الوزير', 'إن', 'الموسم', 'كان', 'جيدا', 'رغم', 'قلة', 'الأمطار', 'وأضاف', 'أن', 'الأسعار', 'ستبقى', 'مستقرة']

/** Deterministic Arabic sentences of about 60–90 codepoints each. */
export function arabicSentence (seed: number): string {
  const words: string[] = []
  for (let i = 0; i < 10 + (seed % 5); i++) words.push(WORDS[(seed * 7 + i * 3) % WORDS.length]!)
  return `${words.join(' ')} ${seed}.`
}

export function arabicParagraph (seed: number, sentences: number): string {
  return Array.from({ length: sentences }, (_, i) => arabicSentence(seed * 1000 + i)).join(' ')
}

export interface Harness {
  storage: Storage
  emulator: Emulator
  provider: TranslationProvider
  /** Stores the fields as the next version of the story `guid` and returns it. */
  publish(guid: string, fields: ArticleFields): Promise<StoredVersion>
  /** Translates with the glossary as stored now. */
  translate(version: StoredVersion, lang: string, provider?: TranslationProvider): Promise<Awaited<ReturnType<typeof translateVersion>>>
  /** translateText bodies logged since the last call to sent(). */
  sent(): ReturnType<Emulator['translateRequests']>
  close(): Promise<void>
}

export async function startHarness (options: { emulator?: EmulatorOptions; provider?: Partial<GoogleV3Options>; location?: string } = {}): Promise<Harness> {
  const tmp = await tempDir('nashra-translation-')
  const storage = openSqliteStorage(path.join(tmp.dir, 'nashra.db'))
  await storage.migrate()
  const emulator = await startEmulator(options.emulator)
  const provider = createGoogleV3Provider({ projectId: PROJECT, location: options.location ?? 'global', endpoint: emulator.url, ...options.provider })
  let seen = 0
  let clock = Date.UTC(2026, 0, 1)
  const now = (): Date => new Date(clock++)
  return {
    storage,
    emulator,
    provider,
    async publish (guid, fields) {
      const content = normalizeArticle(fields)
      const outcome = await storage.ingestVersion({ guid, contentHash: contentHash(content), content, now: now().toISOString() })
      const version = await storage.getVersion(outcome.articleId, outcome.version)
      if (version === null) throw new Error('version not stored')
      return version
    },
    async translate (version, lang, other) {
      const glossary = prepareGlossary(await storage.getGlossary(), version.content.language)
      return translateVersion({ provider: other ?? provider, storage, glossary, now }, version, lang)
    },
    sent () {
      const all = emulator.translateRequests()
      const fresh = all.slice(seen)
      seen = all.length
      return fresh
    },
    async close () {
      await provider.close()
      await emulator.close()
      await storage.close()
      await tmp.remove()
    },
  }
}
