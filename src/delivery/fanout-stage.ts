// The distribution stage: render a translated version once per (format, language) that matching
// subscribers want, and write one outbox row per subscriber and language in one transaction.
import type { StoredTranslation } from '../articles/types.ts'
import { getFormat } from '../formats/registry.ts'
import { isoAfter, type PipelineContext } from '../pipeline/context.ts'
import type { NewDelivery } from '../storage/types.ts'

export async function runDistributionStage (ctx: PipelineContext): Promise<boolean> {
  const now = ctx.now()
  const version = await ctx.storage.claimVersionForDistribution(now.toISOString(), isoAfter(now, ctx.leaseMs))
  if (version === null) return false
  const source = version.content.language
  const translations = new Map<string, StoredTranslation>()
  for (const t of await ctx.storage.listTranslations(version.id)) translations.set(t.lang, t)

  const rendered = new Map<string, { contentType: string; body: string }>()
  const deliveries: NewDelivery[] = []
  const missing: string[] = []
  for (const subscriber of await ctx.storage.listActiveSubscribers()) {
    const formatter = getFormat(subscriber.format)
    if (formatter === undefined) {
      missing.push(`format ${subscriber.format} for subscriber ${subscriber.id}`)
      continue
    }
    for (const lang of subscriber.languages) {
      const translation = lang === source ? null : translations.get(lang)
      if (translation === undefined) {
        // The subscriber appeared (or changed languages) after translation: it gets the next version.
        missing.push(`${lang} translation for subscriber ${subscriber.id}`)
        continue
      }
      const key = `${subscriber.format}\u0000${lang}`
      let doc = rendered.get(key)
      if (doc === undefined) {
        doc = formatter({ version, translation, provider: { name: ctx.providerName } })
        rendered.set(key, doc)
      }
      deliveries.push({ subscriberId: subscriber.id, lang, format: subscriber.format, ...doc })
    }
  }
  const created = await ctx.storage.distribute(version.id, deliveries, ctx.now().toISOString())
  ctx.log.info({ articleId: version.articleId, version: version.version, deliveries: created.length, skipped: missing },
    'version distributed')
  return true
}
