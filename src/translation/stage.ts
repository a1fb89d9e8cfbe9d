// The translation stage: claim a version, translate it into every wanted language, store the
// result and mark it `translated` — or schedule another try, or fail it with the reason.
import { isoAfter, type PipelineContext } from '../pipeline/context.ts'
import { targetLanguages, translateVersion } from './translate-version.ts'

const MAX_ATTEMPTS = 8

/** gRPC codes worth another try: RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL. */
const RETRYABLE_CODES = new Set([8, 14, 4, 13])

export function isRetryable (err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  if (typeof code !== 'number') return true // network trouble without a gRPC status
  if (RETRYABLE_CODES.has(code)) return true
  // Google also reports quota overruns as 403 PERMISSION_DENIED "Rate Limit Exceeded".
  return code === 7 && /quota|rate limit/i.test(String((err as Error).message))
}

export function backoffMs (attempt: number): number {
  const base = Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000)
  return Math.round(base * (0.8 + Math.random() * 0.4))
}

/** Runs one version through translation; false when there was nothing to do. */
export async function runTranslationStage (ctx: PipelineContext): Promise<boolean> {
  const now = ctx.now()
  const version = await ctx.storage.claimVersionForTranslation(now.toISOString(), isoAfter(now, ctx.leaseMs))
  if (version === null) return false
  const log = ctx.log.child({ articleId: version.articleId, version: version.version })
  try {
    const subscribers = await ctx.storage.listActiveSubscribers()
    const langs = targetLanguages(version.content.language, subscribers.map((s) => s.languages))
    const translations = []
    for (const lang of langs) translations.push(await translateVersion(ctx.translator, version, lang, ctx.now()))
    await ctx.storage.saveTranslations(version.id, translations, ctx.now().toISOString())
    log.info({ langs, chars: translations.reduce((n, t) => n + t.charsSent, 0) }, 'version translated')
  } catch (err) {
    const reason = `translation failed: ${(err as Error).message}`
    if (isRetryable(err) && version.attempts < MAX_ATTEMPTS) {
      const delay = backoffMs(version.attempts)
      log.warn({ err, attempt: version.attempts, retryInMs: delay }, 'translation failed; will retry')
      await ctx.storage.scheduleTranslationRetry(version.id, reason, isoAfter(ctx.now(), delay))
    } else {
      log.error({ err, attempt: version.attempts }, 'translation failed for good')
      await ctx.storage.markVersionFailed(version.id, reason, ctx.now().toISOString())
    }
  }
  return true
}
