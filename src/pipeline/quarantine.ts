// Poison stories: a version whose processing keeps killing what runs it (the process, or the CPU
// worker thread) must end `failed` with the reason, not take the service down on every restart.
// Storage counts, per version, the runs that were claimed and never recorded any outcome
// (`unfinishedRuns`; every recorded outcome resets it). This is separate from `attempts` and
// from how transient engine failures are retried: an engine outage never quarantines a story.
import type { ClaimedVersion } from '../storage/types.ts'
import { isoAfter, type PipelineContext } from './context.ts'
import type { WorkerCrashedError } from './cpu-worker.ts'

/** Runs in a row that may die before the version is failed instead of run again. */
export const MAX_UNFINISHED_RUNS = 3

export type Stage = 'translation' | 'distribution'

function quarantineReason (stage: Stage, runs: number, attempts: number, last?: string): string {
  return `quarantined: ${stage} of this version never finished in ${runs} runs in a row ` +
    `(the process or its CPU worker died each time${last === undefined ? '' : `; last: ${last}`}); ${attempts} attempts`
}

/**
 * Called right after a claim: when the runs before this one all died, fails the version with the
 * reason instead of running it a fourth time, and returns true.
 */
export async function quarantineIfPoisoned (ctx: PipelineContext, version: ClaimedVersion, stage: Stage): Promise<boolean> {
  const died = version.unfinishedRuns - 1
  if (died < MAX_UNFINISHED_RUNS) return false
  const reason = quarantineReason(stage, died, version.attempts)
  ctx.log.error({ articleId: version.articleId, version: version.version, stage, unfinishedRuns: died }, reason)
  await ctx.storage.markVersionFailed(version.id, reason, ctx.now().toISOString())
  return true
}

/**
 * The version's job killed its CPU worker (out of memory, or stopped for running away). The run
 * stays counted as unfinished: at MAX_UNFINISHED_RUNS the version is failed, else it is due again
 * after a short pause (jobs of other versions that shared nothing with it are unaffected).
 */
export async function recordCrashedRun (ctx: PipelineContext, version: ClaimedVersion, stage: Stage, err: WorkerCrashedError): Promise<void> {
  const log = ctx.log.child({ articleId: version.articleId, version: version.version, stage })
  if (version.unfinishedRuns >= MAX_UNFINISHED_RUNS) {
    const reason = quarantineReason(stage, version.unfinishedRuns, version.attempts, err.message)
    log.error({ err }, reason)
    await ctx.storage.markVersionFailed(version.id, reason, ctx.now().toISOString())
    return
  }
  const now = ctx.now()
  log.warn({ err, unfinishedRuns: version.unfinishedRuns }, `${stage} killed its CPU worker; will try again`)
  await ctx.storage.releaseUnfinishedRun(version.id, `${stage} failed: ${err.message}`, isoAfter(now, 1000 * version.unfinishedRuns), now.toISOString())
}
