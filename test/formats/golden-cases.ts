// Every (fixture story, format, format version, language) the golden files cover, with the input
// that renders it. Shared by the golden-file test, the conformance checks and the benchmark, so
// they can never disagree about what is covered.
import path from 'node:path'
import type { StoredTranslation } from '../../src/articles/types.ts'
import { type FormatInput, type FormatName, formatNames, formatVersions, getFormat } from '../../src/formats/registry.ts'
import { type StoryFixture, storyFixtures } from '../fixtures/articles/stories.ts'
import { repoRoot } from '../helpers/conformance.ts'

export const goldenRoot = path.join(repoRoot, 'test', 'fixtures', 'golden')
export const fixtureProvider = { name: 'Nashra', uri: 'https://nashra.example/' }

export interface GoldenCase {
  format: FormatName
  formatVersion: string
  story: StoryFixture
  lang: string
  /** Path relative to goldenRoot, e.g. "ninjs-2.2/jerash-olives-v1.fr.json". */
  file: string
  input: FormatInput
  render(): string
}

/** The input for one story in one language (the original's language renders the original). */
export function inputFor (story: StoryFixture, lang: string, formatVersion?: string): FormatInput {
  const translation: StoredTranslation | null = lang === story.version.content.language
    ? null
    : story.translations.find((t) => t.lang === lang) ?? null
  if (translation === null && lang !== story.version.content.language) throw new Error(`${story.name} has no ${lang} translation`)
  return { version: story.version, translation, translations: story.translations, provider: fixtureProvider, formatVersion }
}

export function languagesOf (story: StoryFixture): string[] {
  return [story.version.content.language, ...story.translations.map((t) => t.lang).sort()]
}

export function goldenCases (): GoldenCase[] {
  const cases: GoldenCase[] = []
  for (const format of formatNames()) {
    for (const formatVersion of formatVersions(format)) {
      const formatter = getFormat(format, formatVersion)
      if (formatter === undefined) throw new Error(`${format} ${formatVersion} is not registered`)
      const extension = format === 'ninjs' ? 'json' : 'xml'
      for (const story of storyFixtures) {
        for (const lang of languagesOf(story)) {
          const input = inputFor(story, lang, formatVersion)
          cases.push({
            format,
            formatVersion,
            story,
            lang,
            file: path.join(`${format}-${formatVersion}`, `${story.name}.${lang}.${extension}`),
            input,
            render: () => formatter(input).body,
          })
        }
      }
    }
  }
  return cases
}
