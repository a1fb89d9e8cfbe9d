// The distribution stage: render a translated version once per (format, language) that its
// recipients want, and write one outbox row per subscriber and language in one transaction.
// Recipients of an ordinary version: active subscribers whose filters match. Recipients of a
// kill: everyone who ever had the story, filters or not — and the kill goes ahead of all not yet sent.
import type { StoredTranslation, StoredVersion } from '../articles/types.ts'
import { carriesAllLanguages, type FormatInput, getFormat, type RenderedDocument } from '../formats/registry.ts'
import type { ClaimedVersion, NewDelivery, Subscriber } from '../storage/types.ts'
import { isoAfter, type PipelineContext, type VersionJob } from './context.ts'
import { inThreadWork } from './cpu-jobs.ts'
import { CpuPoolClosedError, WorkerCrashedError } from './cpu-worker.ts'
import { quarantineIfPoisoned, recordCrashedRun } from './quarantine.ts'
import { wantingSubscribers } from './recipients.ts'

/** Who gets which languages of this version. */
async function recipients (ctx: PipelineContext, version: StoredVersion): Promise<Array<{ subscriber: Subscriber; langs: string[] }>> {
  if (version.event !== 'kill') {
    return (await wantingSubscribers(ctx.storage, version.content))
      .map((subscriber) => ({ subscriber, langs: subscriber.languages }))
  }
  const subscribers = new Map((await ctx.storage.listSubscribers()).map((s) => [s.id, s]))
  const langs = new Map<string, Set<string>>()
  for (const r of await ctx.storage.listStoryRecipients(version.articleId)) {
    if (!subscribers.has(r.subscriberId)) continue
    const set = langs.get(r.subscriberId) ?? new Set<string>()
    set.add(r.lang)
    langs.set(r.subscriberId, set)
  }
  return [...langs].map(([id, set]) => ({ subscriber: subscribers.get(id)!, langs: [...set].sort() }))
}

/**
 * Claims the next version ready to go out; null when none is. The runner runs several at once.
 * `wakeDelivery` is called when the version queued a webhook, or was a kill: the delivery loop
 * has something to look at then, and not after a version that only reached feeds (a wake costs
 * an empty claim and a due-time lookup).
 */
export async function claimDistribution (ctx: PipelineContext, wakeDelivery: () => void = () => {}): Promise<VersionJob | null> {
  const now = ctx.now()
  const version = await ctx.storage.claimVersionForDistribution(now.toISOString(), isoAfter(now, ctx.leaseMs))
  if (version === null) return null
  return {
    versionId: version.id,
    async run () {
      if (await quarantineIfPoisoned(ctx, version, 'distribution')) return
      await distributeVersion(ctx, version, wakeDelivery)
    }
  }
}

/** Distributes one version; false when none was ready. */
export async function runDistributionStage (ctx: PipelineContext, wakeDelivery?: () => void): Promise<boolean> {
  const job = await claimDistribution(ctx, wakeDelivery)
  if (job === null) return false
  await job.run()
  return true
}

async function distributeVersion (ctx: PipelineContext, version: ClaimedVersion, wakeDelivery: () => void): Promise<void> {
  // Rendering runs in the CPU worker pool. It is a pure function of the stored version, so a render
  // that throws fails the version with the reason (it would throw every time); one that kills its
  // worker counts as an unfinished run (pipeline/quarantine.ts). null: the version was dealt with.
  const render = async (subscriber: Subscriber, label: string, input: FormatInput): Promise<RenderedDocument | null> => {
    try {
      return await (ctx.cpu ?? inThreadWork).render(subscriber.format, subscriber.formatVersion, input)
    } catch (err) {
      if (err instanceof CpuPoolClosedError) throw err
      if (err instanceof WorkerCrashedError) {
        await recordCrashedRun(ctx, version, 'distribution', err)
        return null
      }
      const format = [subscriber.format, subscriber.formatVersion].filter(Boolean).join(' ')
      const reason = `distribution failed: rendering ${format} (${label}) failed: ${(err as Error).message}`
      ctx.log.error({ err, articleId: version.articleId, version: version.version }, reason)
      await ctx.storage.markVersionFailed(version.id, reason, ctx.now().toISOString())
      return null
    }
  }
  const source = version.content.language
  const translations = new Map<string, StoredTranslation>()
  for (const t of await ctx.storage.listTranslations(version.id)) translations.set(t.lang, t)

  const rendered = new Map<string, { contentType: string; body: string }>()
  const deliveries: NewDelivery[] = []
  const skipped: string[] = []
  for (const { subscriber, langs } of await recipients(ctx, version)) {
    // With the subscriber's version of the format's standard (undefined: a version it does not have).
    if (getFormat(subscriber.format, subscriber.formatVersion) === undefined) {
      skipped.push(`format ${subscriber.format} ${subscriber.formatVersion ?? ''} for subscriber ${subscriber.id}`)
      continue
    }
    if (carriesAllLanguages(subscriber.format)) {
      // One message per version: the original with every wanted translation there is, keyed by
      // the set of languages so subscribers wanting the same ones share a rendering.
      const wanted = new Set([...subscriber.languages, ...langs])
      const carried = [...translations.values()].filter((t) => wanted.has(t.lang))
      for (const lang of wanted) {
        if (lang !== source && !translations.has(lang)) skipped.push(`${lang} translation for subscriber ${subscriber.id}`)
      }
      const key = `${subscriber.format}\u0000${subscriber.formatVersion ?? ''}\u0000${carried.map((t) => t.lang).sort().join(' ')}`
      let doc = rendered.get(key)
      if (doc === undefined) {
        const fresh = await render(subscriber, carried.map((t) => t.lang).sort().join(' ') || source,
          { version, translation: null, translations: carried, provider: { name: ctx.providerName } })
        if (fresh === null) return
        doc = fresh
        rendered.set(key, doc)
      }
      deliveries.push({ subscriberId: subscriber.id, lang: source, format: subscriber.format, ...doc, priority: version.event === 'kill' ? 1 : 0 })
      continue
    }
    for (const lang of langs) {
      const translation = lang === source ? null : translations.get(lang)
      if (translation === undefined) {
        // The subscriber appeared (or changed languages) after translation: it gets the next version.
        skipped.push(`${lang} translation for subscriber ${subscriber.id}`)
        continue
      }
      const key = `${subscriber.format}\u0000${subscriber.formatVersion ?? ''}\u0000${lang}`
      let doc = rendered.get(key)
      if (doc === undefined) {
        const fresh = await render(subscriber, lang, { version, translation, provider: { name: ctx.providerName } })
        if (fresh === null) return
        doc = fresh
        rendered.set(key, doc)
      }
      deliveries.push({ subscriberId: subscriber.id, lang, format: subscriber.format, ...doc, priority: version.event === 'kill' ? 1 : 0 })
    }
  }
  const created = await ctx.storage.distribute(version.id, deliveries, ctx.now().toISOString())
  ctx.feed.notify(new Set(created.map((d) => d.subscriberId)))
  // A kill also moves queue heads (what it cancels unsent gives way to the next message): always a wake.
  if (version.event === 'kill' || created.some((d) => d.status === 'pending')) wakeDelivery()
  ctx.log.info({ articleId: version.articleId, version: version.version, event: version.event, deliveries: created.length, skipped },
    'version distributed')
}
