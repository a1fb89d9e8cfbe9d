// Picks the translation engine the configuration asks for, behind retries and a circuit breaker.
// With no Google configuration at all, the project's emulator starts in-process so a fresh
// machine runs the whole path, loudly marked.
import type { FastifyBaseLogger } from 'fastify'
import type { TranslationConfig, TranslationThroughput } from '../config.ts'
import { DEFAULT_TRANSLATE_TIMEOUT_MS } from './config-options.ts'
import { startEmulator } from './emulator/server.ts'
import { createGoogleV3Provider, type GoogleV3Options } from './google-v3.ts'
import { type ResilientProvider, withResilience } from './resilient.ts'
import type { TranslationProvider } from './types.ts'

export async function translatorFromConfig (
  config: TranslationConfig,
  log: FastifyBaseLogger,
  throughput?: Pick<TranslationThroughput, 'emulatorLatencyMs'>
): Promise<ResilientProvider> {
  const common: GoogleV3Options = {
    projectId: config.projectId,
    location: config.location,
    model: config.model,
    glossaries: config.glossaries,
    timeoutMs: config.timeoutMs ?? DEFAULT_TRANSLATE_TIMEOUT_MS,
  }
  const resilient = (provider: TranslationProvider): ResilientProvider => withResilience(provider, {
    onRetry: ({ attempt, delayMs, error }) => log.warn({ err: error, attempt, retryInMs: delayMs }, 'translateText failed; retrying'),
  })
  if (config.kind === 'google') return resilient(createGoogleV3Provider(common))
  if (config.kind === 'endpoint') return resilient(createGoogleV3Provider({ ...common, endpoint: config.endpoint }))

  // EMULATOR_LATENCY makes the stand-in answer as slowly as Google does (~250 ms), for demos and benches.
  const emulator = await startEmulator({ delayMs: throughput?.emulatorLatencyMs ?? 0 })
  log.warn(
    'TRANSLATIONS ARE PSEUDO-TRANSLATIONS: no Google configuration was given, so Nashra started its own ' +
    `emulator of Google Cloud Translation at ${emulator.url.href}. Every "translation" it makes is a marked, ` +
    'transliterated stand-in, not English. To translate for real, set GOOGLE_CLOUD_PROJECT (with Application ' +
    'Default Credentials, e.g. GOOGLE_APPLICATION_CREDENTIALS) or TRANSLATE_API_ENDPOINT.'
  )
  if (config.glossaries !== undefined) log.warn('GOOGLE_TRANSLATE_GLOSSARY is ignored: the embedded emulator has no Google glossaries')
  const provider = createGoogleV3Provider({ ...common, glossaries: undefined, endpoint: emulator.url })
  return resilient({
    engine: 'emulator',
    // Not the provider's scope: the embedded emulator gets a new port on every start, and its
    // pseudo-translations are the same whatever the port.
    scope: `emulator|embedded|${provider.model ?? ''}`,
    ...(provider.model === undefined ? {} : { model: provider.model }),
    ...(provider.plainTextOnly === undefined ? {} : { plainTextOnly: provider.plainTextOnly }),
    translate: (request) => provider.translate(request),
    async close () {
      await provider.close()
      await emulator.close()
    },
  })
}
