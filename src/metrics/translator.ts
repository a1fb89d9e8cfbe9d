// Counts what goes to the translation engine, without the stages knowing: the engine the
// pipeline is given is this wrapper around the configured one.
import type { TranslateRequest, TranslateResult, TranslationProvider } from '../translation/types.ts'
import type { Metrics } from './registry.ts'

const codepoints = (texts: string[]): number => texts.reduce((sum, t) => sum + [...t].length, 0)

export function instrumentTranslator (inner: TranslationProvider, metrics: Metrics): TranslationProvider {
  async function translate (request: TranslateRequest): Promise<TranslateResult> {
    const started = performance.now()
    const language = request.targetLanguage
    try {
      const result = await inner.translate(request)
      const labels = { target_language: language, outcome: 'ok' }
      metrics.engineDuration.observe(labels, (performance.now() - started) / 1000)
      metrics.translationChars.inc(labels, result.charsSent)
      metrics.translationRequests.inc(labels, result.requests)
      return result
    } catch (err) {
      const labels = { target_language: language, outcome: 'error' }
      metrics.engineDuration.observe(labels, (performance.now() - started) / 1000)
      metrics.translationChars.inc(labels, codepoints(request.contents))
      metrics.translationRequests.inc(labels)
      throw err
    }
  }
  return {
    engine: inner.engine,
    scope: inner.scope,
    ...(inner.model === undefined ? {} : { model: inner.model }),
    ...(inner.plainTextOnly === undefined ? {} : { plainTextOnly: inner.plainTextOnly }),
    ...(inner.health === undefined ? {} : { health: inner.health }),
    translate,
    close: () => inner.close()
  }
}
