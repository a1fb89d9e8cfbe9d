// The README's partner contract shows a signed message; this checks, with the Standard Webhooks
// library a partner would use, that its signature verifies against the example secret, and that
// the example kill carries what a kill carries and nothing else.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { it, mock } from 'node:test'
import { Webhook } from 'standardwebhooks'

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')

function block (marker: string): string {
  const match = readme.match(new RegExp(`<!-- ${marker} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\n`))
  assert.ok(match, `README has the ${marker} block`)
  return match[1]!
}

it('verifies the README example message with standardwebhooks', () => {
  const secret = readme.match(/secret is `(whsec_[A-Za-z0-9+/=]+)`/)?.[1]
  assert.ok(secret, 'README names the example secret')
  const headers: Record<string, string> = {}
  for (const line of block('partner-example-headers').split('\n').slice(1)) {
    const at = line.indexOf(': ')
    if (at > 0) headers[line.slice(0, at)] = line.slice(at + 2)
  }
  const body = block('partner-example-body')
  // The library refuses timestamps more than 5 minutes off: verify at the example's time.
  mock.timers.enable({ apis: ['Date'], now: Number(headers['webhook-timestamp']) * 1000 })
  try {
    const doc = new Webhook(secret).verify(body, headers) as Record<string, any>
    assert.equal(doc.pubStatus, 'canceled')
    assert.equal(headers['x-nashra-event'], 'kill')
    assert.deepEqual(doc.headlines, [{ role: 'main', value: 'Kill: story withdrawn' }])
    assert.throws(() => new Webhook(secret).verify(body.replace('withdrawn', 'restored'), headers), /signature/i)
  } finally {
    mock.timers.reset()
  }
})
