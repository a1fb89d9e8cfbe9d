// Google Cloud Translation v3 through the official client. The same code talks to Google itself
// (Application Default Credentials) and to any endpoint speaking Google's REST dialect, such as the
// project's emulator, so the emulator exercises the real client rather than a look-alike.
// The client and its auth library are loaded with the first translation, not at start: they are
// the heaviest modules the service has (~15 MB resident), and a service that has nothing to
// translate yet, or whose translations all come from memory, need not hold them.
import type { TranslationServiceClient } from '@google-cloud/translate'
import { hostOf } from '../hosts.ts'
import type { TranslateRequest, TranslateResult, TranslationProvider } from './types.ts'

export interface GoogleV3Options {
  projectId: string
  /** `global`, or a region such as `us-central1` (glossaries live in a region). */
  location: string
  /** Another endpoint speaking Google's REST API, e.g. http://127.0.0.1:8085 for the emulator. */
  endpoint?: URL | undefined
  /**
   * `general/nmt`, `general/translation-llm`, or a full `projects/…/models/…` resource name;
   * Google's default NMT model when unset (and then not sent at all).
   */
  model?: string | undefined
  /** Per-call deadline; the client's own default (600 s) otherwise. */
  timeoutMs?: number | undefined
  /**
   * Google glossary resources by target language ('*' for every target): a glossary id in this
   * location or a full `projects/…/glossaries/…` name. Requests then carry glossaryConfig and the
   * glossary-applied translations (glossaryTranslations) are used.
   */
  glossaries?: Record<string, string> | undefined
}

/**
 * A failed translateText call. `code` is the gRPC status the client reported (14 UNAVAILABLE,
 * 3 INVALID_ARGUMENT…), kept so callers can tell retryable failures from permanent ones; the
 * client's GoogleError (with statusDetails such as RetryInfo) is the `cause`.
 */
export class GoogleTranslateError extends Error {
  readonly code: number | undefined
  readonly httpStatusCode: number | undefined
  readonly statusDetails: unknown

  constructor (message: string, options: { cause?: unknown; code?: number | undefined; httpStatusCode?: number | undefined; statusDetails?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'GoogleTranslateError'
    this.code = options.code
    this.httpStatusCode = options.httpStatusCode
    this.statusDetails = options.statusDetails
  }
}

async function clientFor (opts: GoogleV3Options): Promise<TranslationServiceClient> {
  const { endpoint } = opts
  // The v3 client alone: the package's index also loads the v2 and v3beta1 clients and
  // protobufjs code for every message of every version (1.3 MB of source kept in the heap),
  // none of which the v3 client uses: ~3 MB of heap once the first translation has run.
  const { TranslationServiceClient } = await import('@google-cloud/translate/build/src/v3/index.js')
  if (endpoint === undefined) return new TranslationServiceClient({ projectId: opts.projectId })
  const protocol = endpoint.protocol.replace(/:$/, '')
  if (protocol !== 'http' && protocol !== 'https') {
    throw new Error(`Translation endpoint must be http or https, got ${endpoint.href}`)
  }
  const { PassThroughClient } = await import('google-auth-library')
  return new TranslationServiceClient({
    projectId: opts.projectId,
    // hostname and port separately: "host:port" in apiEndpoint is ignored in favour of 443.
    apiEndpoint: hostOf(endpoint),
    port: endpoint.port === '' ? (protocol === 'https' ? 443 : 80) : Number(endpoint.port),
    protocol,
    // REST transport: the emulator speaks Google's JSON API, not gRPC.
    fallback: true,
    // No credentials for a non-Google endpoint; without this the client looks for ADC and, if
    // none, rejects with an unhandled rejection besides the call's own rejection.
    authClient: new PassThroughClient(),
  })
}

export function createGoogleV3Provider (opts: GoogleV3Options): TranslationProvider {
  const parent = `projects/${opts.projectId}/locations/${opts.location}`
  const model = opts.model === undefined || opts.model === ''
    ? undefined
    : opts.model.startsWith('projects/') ? opts.model : `${parent}/models/${opts.model}`
  // Google only echoes `model` when the request named one; otherwise it used its default NMT.
  const reportedDefault = model ?? `${parent}/models/general/nmt`
  const callOptions = opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }
  const glossaries = new Map(Object.entries(opts.glossaries ?? {}).map(([lang, name]) =>
    [lang.toLowerCase(), name.startsWith('projects/') ? name : `${parent}/glossaries/${name}`]))
  const glossaryFor = (target: string): string | undefined =>
    glossaries.get(target.toLowerCase()) ?? glossaries.get(target.split('-')[0]!.toLowerCase()) ?? glossaries.get('*')
  const glossaryScope = [...glossaries].map(([lang, name]) => `${lang}=${name}`).sort().join(',')
  let ready: Promise<TranslationServiceClient> | undefined
  let closed = false

  // The client authenticates on its first call, and if that fails (no Application Default
  // Credentials) translateText also rethrows the failure as an unhandled rejection, which ends a
  // Node 24 process. Initialising explicitly first turns it into an ordinary rejection. A failed
  // client is dropped (its close() would reject with the same error) and the next call retries,
  // in case the credentials were only briefly unavailable (metadata server).
  const connect = (): Promise<TranslationServiceClient> => {
    ready ??= (async () => {
      const client = await clientFor(opts)
      try {
        await client.initialize()
        return client
      } catch (err) {
        ready = undefined
        // 16 UNAUTHENTICATED: missing credentials do not cure themselves, so this is not retried.
        throw new GoogleTranslateError(`google-v3 client could not start for ${parent}: ${messageOf(err)}`, { cause: err, code: 16 })
      }
    })()
    return ready
  }

  return {
    engine: 'google-v3',
    model: reportedDefault,
    // Where the translations come from: an emulator's pseudo-translations must never be served
    // from memory once the same database talks to Google itself.
    scope: `google-v3|${opts.endpoint?.origin ?? 'translate.googleapis.com'}|${reportedDefault}|${glossaryScope}`,
    // Google documents the translation LLM for text/plain only.
    plainTextOnly: /\/models\/general\/translation-llm$/.test(reportedDefault),

    async translate (request: TranslateRequest): Promise<TranslateResult> {
      // The client itself rejects with a bare string once closed; say it properly.
      if (closed) throw new GoogleTranslateError('google-v3 translation provider is closed')
      const charsSent = request.contents.reduce((sum, text) => sum + [...text].length, 0)
      // Google answers an empty `contents` with 400; there is simply nothing to do.
      if (request.contents.length === 0) {
        return { translations: [], model: reportedDefault, charsSent: 0, requests: 0 }
      }
      const client = await connect()
      const glossary = glossaryFor(request.targetLanguage)
      const [response] = await client.translateText({
        parent,
        contents: request.contents,
        // Always explicit: a blank mimeType means text/html to Google, which would mangle
        // plain text containing "<" or "&".
        mimeType: request.mimeType,
        sourceLanguageCode: request.sourceLanguage,
        targetLanguageCode: request.targetLanguage,
        ...(model === undefined ? {} : { model }),
        ...(glossary === undefined ? {} : { glossaryConfig: { glossary, ignoreCase: false } }),
      }, callOptions).catch((err: unknown) => {
        throw wrapError(err, request, parent)
      })

      // With a glossary Google answers both ways; the glossary-applied one is what was asked for.
      const replied = glossary === undefined ? response.translations : response.glossaryTranslations
      const translations = (replied ?? []).map((t) => t.translatedText ?? '')
      // An empty or malformed reply decodes to `translations: []` without any error; a short
      // reply must not be mistaken for a translation with missing segments.
      if (translations.length !== request.contents.length) {
        throw new GoogleTranslateError(
          `google-v3 translateText returned ${translations.length} translations for ${request.contents.length} segments`)
      }
      const usedModel = replied?.[0]?.model
      return {
        translations,
        model: usedModel === undefined || usedModel === null || usedModel === '' ? reportedDefault : usedModel,
        charsSent,
        requests: 1,
      }
    },

    async close () {
      closed = true
      const pending = ready
      ready = undefined
      if (pending === undefined) return
      // A client that never started has nothing open; its start-up error was already reported.
      const client = await pending.catch(() => undefined)
      await client?.close()
    },
  }
}

function messageOf (err: unknown): string {
  if (err instanceof Error && err.message !== '') return err.message
  return String(err)
}

function wrapError (err: unknown, request: TranslateRequest, parent: string): GoogleTranslateError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown; httpStatusCode?: unknown; statusDetails?: unknown
  }
  const code = typeof e.code === 'number' ? e.code : undefined
  const detail = messageOf(err)
  const what = `${request.contents.length} segments ${request.sourceLanguage}→${request.targetLanguage} in ${parent}`
  return new GoogleTranslateError(`google-v3 translateText failed (${what}): ${detail}`, {
    cause: err,
    code,
    httpStatusCode: typeof e.httpStatusCode === 'number' ? e.httpStatusCode : undefined,
    statusDetails: e.statusDetails,
  })
}
