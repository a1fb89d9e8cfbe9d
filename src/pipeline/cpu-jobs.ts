// The CPU-heavy parts of the pipeline as plain jobs: cutting a version into prepared segments,
// cutting over-long segments into engine-sized pieces, turning the engine's pieces back into
// stored text, and rendering a document. Each is a pure function of plain, structured-cloneable
// data, so the same job runs in the service's worker thread (cpu-worker.ts) or, for tests and
// tools, in the calling thread — with the same results and the same errors.
import type { ArticleContent } from '../articles/types.ts'
import { type FormatInput, getFormat, type RenderedDocument } from '../formats/registry.ts'
import { type Atom, codepointLength, joinPieces, renderAtoms, type Seam, splitAtoms } from '../translation/batching.ts'
import { finishSegment, type PreparedSegment, prepareSegment, type SegmentContext } from '../translation/prepare-segment.ts'
import { type Segment, segmentContent } from '../translation/segments.ts'

export interface PreparedVersion {
  segments: Segment[]
  prepared: PreparedSegment[]
}

export interface Cut {
  pieces: string[]
  seams: Seam[]
}

export interface FinishJob {
  outputs: string[]
  seams: Seam[]
  segment: Pick<PreparedSegment, 'placeholders' | 'keepMarkup'>
}

export type CpuJob =
  | { kind: 'prepare'; content: ArticleContent; ctx: SegmentContext }
  | { kind: 'cut'; segments: Atom[][]; html: boolean; maxCodepoints: number }
  | { kind: 'finish'; segments: FinishJob[]; html: boolean; withTargets: boolean }
  | { kind: 'render'; format: string; formatVersion: string | null | undefined; input: FormatInput }

/** What the pipeline's stages call; the worker pool and the in-thread runner both provide it. */
export interface CpuWork {
  prepare(content: ArticleContent, ctx: SegmentContext): Promise<PreparedVersion>
  cut(segments: Atom[][], html: boolean, maxCodepoints: number): Promise<Cut[]>
  /** Each segment's stored text, or undefined when the engine lost a glossary placeholder. */
  finish(segments: FinishJob[], html: boolean, withTargets: boolean): Promise<Array<string | undefined>>
  render(format: string, formatVersion: string | null | undefined, input: FormatInput): Promise<RenderedDocument>
}

export function runCpuJob (job: CpuJob): unknown {
  switch (job.kind) {
    case 'prepare': {
      const segments = segmentContent(job.content)
      return { segments, prepared: segments.map((segment) => prepareSegment(segment, job.ctx)) } satisfies PreparedVersion
    }
    case 'cut':
      return job.segments.map((atoms): Cut => {
        const whole = renderAtoms(atoms, job.html)
        return codepointLength(whole) <= job.maxCodepoints ? { pieces: [whole], seams: [] } : splitAtoms(atoms, job.html, job.maxCodepoints)
      })
    case 'finish':
      return job.segments.map((s) => finishSegment(joinPieces(s.outputs, s.seams), s.segment, job.html, job.withTargets))
    case 'render': {
      const formatter = getFormat(job.format, job.formatVersion)
      if (formatter === undefined) throw new Error(`no format ${job.format} ${job.formatVersion ?? ''}`)
      return formatter(job.input)
    }
  }
}

/**
 * A CPU job failed on its input. Jobs are deterministic, so the same input fails the same way
 * again: code 3 (INVALID_ARGUMENT, as the engine errors are classified) makes it a permanent
 * failure of the version, never a transient one to retry. Name and message are the original's.
 */
export class CpuJobError extends Error {
  readonly code = 3

  constructor (name: string, message: string) {
    super(message)
    this.name = name
  }
}

export type CpuJobOutcome = { ok: true; value: unknown } | { ok: false; name: string; message: string }

export function settleCpuJob (job: CpuJob): CpuJobOutcome {
  try {
    return { ok: true, value: runCpuJob(job) }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    return { ok: false, name: e.name, message: e.message }
  }
}

export function outcomeValue (outcome: CpuJobOutcome): unknown {
  if (outcome.ok) return outcome.value
  throw new CpuJobError(outcome.name, outcome.message)
}

/** CpuWork over any way of running a job. */
export function cpuWork (run: (job: CpuJob) => Promise<unknown>): CpuWork {
  return {
    prepare: async (content, ctx) => await run({ kind: 'prepare', content, ctx }) as PreparedVersion,
    cut: async (segments, html, maxCodepoints) => await run({ kind: 'cut', segments, html, maxCodepoints }) as Cut[],
    finish: async (segments, html, withTargets) => await run({ kind: 'finish', segments, html, withTargets }) as Array<string | undefined>,
    render: async (format, formatVersion, input) => await run({ kind: 'render', format, formatVersion, input }) as RenderedDocument,
  }
}

/** The jobs run in the calling thread: for tests and tools that run stages without a worker. */
export const inThreadWork: CpuWork = cpuWork(async (job) => outcomeValue(settleCpuJob(job)))
