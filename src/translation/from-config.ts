// Picks the translation engine the configuration asks for. With no Google configuration at all,
// the project's emulator starts in-process so a fresh machine runs the whole path, loudly marked.
import type { FastifyBaseLogger } from 'fastify'
import type { TranslationConfig } from '../config.ts'
import { startEmulator } from './emulator/server.ts'
import { createGoogleV3Provider } from './google-v3.ts'
import type { TranslationProvider } from './types.ts'

export async function translatorFromConfig (config: TranslationConfig, log: FastifyBaseLogger): Promise<TranslationProvider> {
  if (config.kind === 'google') {
    return createGoogleV3Provider({ projectId: config.projectId, location: config.location, model: config.model, timeoutMs: 30_000 })
  }
  if (config.kind === 'endpoint') {
    return createGoogleV3Provider({ projectId: config.projectId, location: config.location, endpoint: config.endpoint, model: config.model, timeoutMs: 30_000 })
  }
  const emulator = await startEmulator()
  log.warn(
    `TRANSLATIONS ARE PSEUDO-TRANSLATIONS: no Google configuration was given, so Nashra started its own ` +
    `emulator of Google Cloud Translation at ${emulator.url.href}. Every "translation" it makes is a marked, ` +
    'transliterated stand-in, not English. To translate for real, set GOOGLE_CLOUD_PROJECT (with Application ' +
    'Default Credentials, e.g. GOOGLE_APPLICATION_CREDENTIALS) or TRANSLATE_API_ENDPOINT.'
  )
  const provider = createGoogleV3Provider({ projectId: config.projectId, location: config.location, endpoint: emulator.url, timeoutMs: 30_000 })
  return {
    engine: 'emulator',
    translate: (request) => provider.translate(request),
    async close () {
      await provider.close()
      await emulator.close()
    }
  }
}
