// The translation settings in the environment: model, Google glossary resources, call timeout.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

const load = (env: Record<string, string>) => loadConfig({ GOOGLE_CLOUD_PROJECT: 'newsroom', ...env })

function problems (env: Record<string, string>): string[] {
  try {
    load(env)
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return err.problems
  }
  assert.fail('expected a configuration error')
}

describe('translation configuration', () => {
  it('leaves model, glossary and timeout out unless set', () => {
    assert.deepEqual(load({}).translation, { kind: 'google', projectId: 'newsroom', location: 'global' })
  })

  it('reads the model, glossaries per language and the timeout', () => {
    const config = load({
      GOOGLE_CLOUD_LOCATION: 'us-central1',
      GOOGLE_TRANSLATE_MODEL: 'general/translation-llm',
      GOOGLE_TRANSLATE_GLOSSARY: 'en:ar-en-terms, fr:projects/newsroom/locations/us-central1/glossaries/ar-fr',
      GOOGLE_TRANSLATE_TIMEOUT: '2.5s',
    })
    assert.deepEqual(config.translation, {
      kind: 'google',
      projectId: 'newsroom',
      location: 'us-central1',
      model: 'general/translation-llm',
      glossaries: { en: 'ar-en-terms', fr: 'projects/newsroom/locations/us-central1/glossaries/ar-fr' },
      timeoutMs: 2500,
    })
    assert.deepEqual(load({ GOOGLE_CLOUD_LOCATION: 'us-central1', GOOGLE_TRANSLATE_GLOSSARY: 'terms' }).translation.glossaries, { '*': 'terms' })
  })

  it('names every bad value', () => {
    const found = problems({
      GOOGLE_TRANSLATE_MODEL: 'general/gpt',
      GOOGLE_TRANSLATE_GLOSSARY: 'my terms',
      GOOGLE_TRANSLATE_TIMEOUT: 'soon',
    })
    assert.equal(found.length, 3)
    assert.match(found[0]!, /GOOGLE_TRANSLATE_MODEL must be general\/nmt or general\/translation-llm/)
    assert.match(found[1]!, /GOOGLE_TRANSLATE_GLOSSARY must name glossaries/)
    assert.match(found[2]!, /GOOGLE_TRANSLATE_TIMEOUT must be one positive duration/)
  })

  it('wants glossaries in the request location, which is never global', () => {
    assert.match(problems({ GOOGLE_TRANSLATE_GLOSSARY: 'terms' })[0]!, /glossaries live in a region/)
    assert.match(problems({ GOOGLE_CLOUD_LOCATION: 'us-central1', GOOGLE_TRANSLATE_GLOSSARY: 'projects/p/locations/europe-west1/glossaries/g' })[0]!,
      /is in europe-west1, but requests go to GOOGLE_CLOUD_LOCATION=us-central1/)
  })
})
