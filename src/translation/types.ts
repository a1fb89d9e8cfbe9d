// The seam between the pipeline and whatever translates: Google itself, the project's
// emulator behind the same Google client, or the fake engine (fake-engine.ts) in tests.

export type MimeType = 'text/plain' | 'text/html'

export interface TranslateRequest {
  /** Segments to translate, in order; the reply keeps that order. */
  contents: string[]
  sourceLanguage: string
  targetLanguage: string
  mimeType: MimeType
}

export interface TranslateResult {
  /** One translated text per input segment, same order. */
  translations: string[]
  /** Model the engine reports having used. */
  model: string
  /** Codepoints sent to the engine (what Google bills). */
  charsSent: number
  requests: number
}

/** Whether calls may go ahead, for engines behind a circuit breaker. */
export interface EngineHealth {
  /** undefined when a call may be made now; else the time (ms since epoch) calls resume. */
  blockedUntil(now: number): number | undefined
  /**
   * True after failures until a call succeeds again (circuit open or half-open): one call at a
   * time should test the engine instead of the whole backlog.
   */
  onProbation(): boolean
}

export interface TranslationProvider {
  /** Short engine name recorded with each translation ("google-v3", "fake"). */
  readonly engine: string
  /**
   * What the translation memory keys on besides the text: engine, endpoint, model and Google
   * glossary resources. Output of one scope is never served as output of another.
   */
  readonly scope: string
  /** The model translations are made with, as Google names it; reported when all came from memory. */
  readonly model?: string
  /** The model accepts text/plain only (Google's general/translation-llm). */
  readonly plainTextOnly?: boolean
  /** Present when calls go through a circuit breaker. */
  readonly health?: EngineHealth
  translate(request: TranslateRequest): Promise<TranslateResult>
  close(): Promise<void>
}
