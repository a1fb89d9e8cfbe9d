// The seam between the pipeline and whatever translates: Google itself, the project's
// emulator behind the same Google client, or an in-memory engine in unit tests.

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

export interface TranslationProvider {
  /** Short engine name recorded with each translation ("google-v3", "memory"). */
  readonly engine: string
  translate(request: TranslateRequest): Promise<TranslateResult>
  close(): Promise<void>
}
