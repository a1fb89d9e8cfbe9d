// The translation stage: claim a version, translate it into every language its subscribers want,
// store the result and mark it `translated` — or schedule another try, or fail it with the reason.
// Retries inside one run (a few seconds at most) happen around each engine call, in resilient.ts;
// longer waits are scheduled here, on the version, so they survive a restart. A story that failed
// for good goes back into the pipeline on POST /v1/articles/:id/retry (articles/retry.ts).
import type { TranslationThroughput } from '../config.ts'
import type { ClaimedVersion } from '../storage/types.ts'
import { isoAfter, type PipelineContext, type VersionJob } from '../pipeline/context.ts'
import { WorkerCrashedError } from '../pipeline/cpu-worker.ts'
import { quarantineIfPoisoned, recordCrashedRun } from '../pipeline/quarantine.ts'
import { wantingSubscribers } from '../pipeline/recipients.ts'
import { backoffWithJitter } from '../jitter.ts'
import { EngineUnavailableError, isRetryable, retryDelayMs } from './errors.ts'
import { prepareGlossary } from './glossary.ts'
import { engineLanguageCode } from './languages.ts'
import { targetLanguages, translateVersion } from './translate-version.ts'
import { StorageUnavailableError } from '../storage/unavailable.ts'

/**
 * Back-off between runs after an isolated transient failure (the engine itself answers others).
 * The constants live in the pipeline context (config.ts), so tests can shorten them.
 */
export function backoffMs (attempt: number, retry: Pick<TranslationThroughput, 'retryBackoffBaseMs' | 'retryBackoffCapMs'>): number {
  return backoffWithJitter(attempt, retry.retryBackoffBaseMs, retry.retryBackoffCapMs)
}

/** Claims the next due version; null when nothing is due. The runner runs several jobs at once. */
export async function claimTranslation (ctx: PipelineContext): Promise<VersionJob | null> {
  const now = ctx.now()
  const version = await ctx.storage.claimVersionForTranslation(now.toISOString(), isoAfter(now, ctx.leaseMs))
  return version === null ? null : { versionId: version.id, run: () => translateClaimed(ctx, version) }
}

/** Runs one version through translation; false when there was nothing to do. */
export async function runTranslationStage (ctx: PipelineContext): Promise<boolean> {
  const job = await claimTranslation(ctx)
  if (job === null) return false
  await job.run()
  return true
}

async function translateClaimed (ctx: PipelineContext, version: ClaimedVersion): Promise<void> {
  if (await quarantineIfPoisoned(ctx, version, 'translation')) return
  const log = ctx.log.child({ articleId: version.articleId, version: version.version })
  if (version.event === 'kill') {
    await translateKillReason(ctx, version, log)
    return
  }

  // The engine is cooling down after repeated failures (the breaker opened after this claim):
  // put the version back, uncounted, until the breaker lets a probe through.
  const now = ctx.now()
  const blockedUntil = ctx.translator.health?.blockedUntil(now.getTime())
  if (blockedUntil !== undefined) {
    const until = new Date(blockedUntil).toISOString()
    await ctx.storage.postponeTranslation(version.id, `translation engine unavailable; next try at ${until}`, until, now.toISOString())
    log.info({ until }, 'translation engine unavailable; version postponed')
    return
  }

  try {
    const langs = await languagesFor(ctx, version)
    const glossary = prepareGlossary(await ctx.storage.getGlossary(), version.content.language)
    const deps = { provider: ctx.translator, storage: ctx.storage, glossary, now: ctx.now, work: ctx.cpu }
    // All languages at once; the engine limits (engine-limits.ts) decide how many calls really
    // leave. Every language is waited for, so what succeeded is in the memory before a retry.
    const results = await Promise.allSettled(langs.map((lang) => translateVersion(deps, version, lang)))
    // A permanent error decides the version's fate over a transient one in another language.
    const reasons = results.flatMap((r) => r.status === 'rejected' ? [r.reason as unknown] : [])
    if (reasons.length > 0) throw reasons.find((reason) => !isRetryable(reason)) ?? reasons[0]
    const translations = results.flatMap((r) => r.status === 'fulfilled' ? [r.value] : [])
    await ctx.storage.saveTranslations(version.id, translations, ctx.now().toISOString())
    log.info({
      langs,
      chars: translations.reduce((n, t) => n + t.charsSent, 0),
      segmentsReused: translations.reduce((n, t) => n + (t.segmentsReused ?? 0), 0),
    }, 'version translated')
  } catch (err) {
    // Not the story's fault: the version keeps its lease and is taken up again once it runs out.
    if (err instanceof StorageUnavailableError) throw err
    if (err instanceof WorkerCrashedError) await recordCrashedRun(ctx, version, 'translation', err)
    else await handleFailure(ctx, version, err, log)
  }
}

/**
 * A kill with a reason: its carried translations (copied at kill time) are made again, so the
 * reason is translated like any other segment; everything else comes from the memory. A kill
 * never waits for the engine: when it is down or fails, the kill leaves with the carried
 * translations and the reason in the story's language.
 */
async function translateKillReason (ctx: PipelineContext, version: ClaimedVersion, log: PipelineContext['log']): Promise<void> {
  const carried = await ctx.storage.listTranslations(version.id)
  const translations = []
  if (ctx.translator.health?.blockedUntil(ctx.now().getTime()) === undefined) {
    try {
      const glossary = prepareGlossary(await ctx.storage.getGlossary(), version.content.language)
      const deps = { provider: ctx.translator, storage: ctx.storage, glossary, now: ctx.now }
      for (const t of carried) translations.push(await translateVersion(deps, version, t.lang))
    } catch (err) {
      log.warn({ err }, 'kill reason not translated; the kill goes out with it in the story language')
      translations.length = 0
    }
  }
  await ctx.storage.saveTranslations(version.id, translations, ctx.now().toISOString())
}

async function languagesFor (ctx: PipelineContext, version: ClaimedVersion): Promise<string[]> {
  const subscribers = await wantingSubscribers(ctx.storage, version.content)
  const source = engineLanguageCode(version.content.language) ?? version.content.language
  // "ar" wanted of a story written in "ar-EG" is the story itself: nothing to translate.
  const wanted = targetLanguages(version.content.language, subscribers.map((s) => s.languages))
    .filter((lang) => engineLanguageCode(lang) !== source)
  // A code Google does not know would fail the whole version with INVALID_ARGUMENT, for every
  // subscriber; it is left out (loudly) instead. Subscriber input is validated against the same list.
  const unsupported = wanted.filter((lang) => engineLanguageCode(lang) === undefined)
  if (unsupported.length > 0) ctx.log.warn({ articleId: version.articleId, unsupported }, 'subscribers want languages Google does not translate into')
  return wanted.filter((lang) => engineLanguageCode(lang) !== undefined)
}

async function handleFailure (ctx: PipelineContext, version: ClaimedVersion, err: unknown, log: PipelineContext['log']): Promise<void> {
  const reason = `translation failed: ${(err as Error).message}`
  const now = ctx.now().getTime()
  const age = now - Date.parse(version.versionCreated)
  // A transient failure fails a version only once it is older than the retry window and has had
  // the minimum number of runs (both in ctx.throughput, from config.ts).
  if (isRetryable(err) && (version.attempts < ctx.throughput.retryMinAttempts || age < ctx.throughput.retryWindowMs)) {
    // The engine is out (its circuit is open): come back exactly when a probe may go. Waiting
    // longer would only delay recovery; the runner claims nothing meanwhile, so nothing churns.
    const blocked = err instanceof EngineUnavailableError ? err.until : ctx.translator.health?.blockedUntil(now)
    const wait = blocked === undefined ? backoffMs(version.attempts, ctx.throughput) : blocked - now
    // At least what Google's RetryInfo asked for.
    const delay = Math.max(wait, retryDelayMs(err) ?? 0)
    log.warn({ err, attempt: version.attempts, retryInMs: delay }, 'translation failed; will retry')
    const at = ctx.now()
    await ctx.storage.scheduleTranslationRetry(version.id, reason, isoAfter(at, delay), at.toISOString())
  } else {
    log.error({ err, attempt: version.attempts }, 'translation failed for good')
    await ctx.storage.markVersionFailed(version.id, reason, ctx.now().toISOString())
  }
}
