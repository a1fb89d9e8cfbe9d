// In-process translation engine for unit tests of the pipeline: same pseudo-translation as the
// emulator (so expectations hold whichever one a test uses) without HTTP or the Google client.
import { pseudoTranslate } from './pseudo.ts'
import type { TranslateRequest, TranslateResult, TranslationProvider } from './types.ts'

export interface FakeEngineOptions {
  /** Reported as the model of every result. */
  model?: string
  /**
   * Called before each translation; throw from it to simulate an engine failure, or return a
   * promise to hold the call (e.g. until a test releases it).
   */
  beforeTranslate?: (request: TranslateRequest, callIndex: number) => void | Promise<void>
}

export interface FakeEngine extends TranslationProvider {
  /** Copies of every request received, oldest first, including ones that then failed. */
  readonly calls: TranslateRequest[]
  readonly closed: boolean
}

export const FAKE_ENGINE_MODEL = 'fake/pseudo'

export function createFakeEngine (options: FakeEngineOptions = {}): FakeEngine {
  const calls: TranslateRequest[] = []
  const model = options.model ?? FAKE_ENGINE_MODEL
  let closed = false

  return {
    engine: 'fake',
    scope: `fake|${model}`,
    model,
    calls,
    get closed () {
      return closed
    },
    async translate (request: TranslateRequest): Promise<TranslateResult> {
      // Checked like a real client: using a closed provider is a lifecycle bug worth surfacing.
      if (closed) throw new Error('fake translation engine is closed')
      // Copied so a caller mutating its array afterwards cannot rewrite the record.
      calls.push({ ...request, contents: [...request.contents] })
      await options.beforeTranslate?.(request, calls.length - 1)
      const translations = request.contents.map((text) =>
        pseudoTranslate(text, request.mimeType, request.targetLanguage))
      return {
        translations,
        model,
        charsSent: request.contents.reduce((sum, text) => sum + [...text].length, 0),
        // Like the Google provider: nothing to translate means no request to an engine.
        requests: request.contents.length === 0 ? 0 : 1,
      }
    },
    async close () {
      closed = true
    },
  }
}
