// Pure-function checks only: nothing here opens a socket, so listing public or private
// addresses in these tables sends no traffic anywhere.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkUrl,
  classifyAddress,
  createAddressPolicy,
} from '../../src/delivery/address-guard.ts'

// [address, expected reason fragment] — every one of these must be refused.
const refused: Array<[string, RegExp]> = [
  ['0.0.0.0', /unspecified/],
  ['0.1.2.3', /unspecified/],
  ['10.0.0.1', /private/],
  ['10.255.255.255', /private/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['100.127.255.254', /carrier-grade NAT/],
  ['127.0.0.1', /loopback/],
  ['127.255.0.9', /loopback/],
  ['169.254.169.254', /cloud metadata/],
  ['169.254.1.1', /link-local/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.0.0.8', /IETF/],
  ['192.0.2.10', /documentation/],
  ['192.88.99.1', /6to4 relay/],
  ['192.168.1.1', /private/],
  ['198.18.0.1', /benchmarking/],
  ['198.19.255.255', /benchmarking/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.99', /documentation/],
  ['224.0.0.1', /multicast/],
  ['239.255.255.250', /multicast/],
  ['240.0.0.1', /reserved/],
  ['255.255.255.255', /broadcast/],
  ['::', /unspecified/],
  ['::1', /loopback/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['::ffff:10.0.0.1', /IPv4-mapped form of 10\.0\.0\.1: private/],
  ['::ffff:127.0.0.1', /IPv4-mapped form of 127\.0\.0\.1: loopback/],
  ['::ffff:7f00:1', /IPv4-mapped form of 127\.0\.0\.1: loopback/],
  ['::ffff:169.254.169.254', /cloud metadata/],
  ['::a00:1', /IPv4-compatible form of 10\.0\.0\.1/],
  ['::127.0.0.1', /IPv4-compatible form of 127\.0\.0\.1: loopback/],
  ['64:ff9b::a00:1', /NAT64 form of 10\.0\.0\.1: private/],
  ['64:ff9b::7f00:1', /NAT64 form of 127\.0\.0\.1/],
  ['64:ff9b:1::1', /local-use NAT64/],
  ['2002:a00:1::', /6to4 form of 10\.0\.0\.1: private/],
  ['2002:7f00:1::1', /6to4 form of 127\.0\.0\.1/],
  ['2002:a9fe:a9fe::', /6to4 form of 169\.254\.169\.254/],
  ['100::1', /discard/],
  ['2001::1', /Teredo/],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
  ['2001:2::1', /benchmarking/],
  ['2001:db8::1', /documentation/],
  ['2001:db8:ffff::', /documentation/],
  ['2001:20::1', /ORCHID/],
  ['3fff::1', /documentation/],
  ['fc00::1', /unique-local/],
  ['fd00::1', /unique-local/],
  ['fdff:ffff::1', /unique-local/],
  ['fe80::1', /link-local/],
  ['fe80::1%eth0', /link-local/],
  ['febf::1', /link-local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast/],
  ['ff05::1:3', /multicast/],
  ['::2', /IPv4-compatible form of 0\.0\.0\.2/],
  ['4000::1', /reserved/],
  ['::ffff:0:a00:1', /reserved/],
  ['localhost', /not an IP address/],
  ['example.com', /not an IP address/],
  ['', /not an IP address/],
  ['10.0.0.256', /not an IP address/],
  ['[::1]', /not an IP address/],
]

const allowed = [
  '8.8.8.8',
  '1.1.1.1',
  '9.9.9.9',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.1',
  '169.253.255.255',
  '192.0.1.1',
  '192.169.0.1',
  '198.17.255.255',
  '198.20.0.1',
  '223.255.255.255',
  '2606:4700::1',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '2001:db7:ffff::1',
  '2001:db9::1',
]

describe('classifyAddress', () => {
  for (const [ip, reason] of refused) {
    it(`refuses ${JSON.stringify(ip)}`, () => {
      const verdict = classifyAddress(ip)
      assert.equal(verdict.allowed, false)
      assert.match(verdict.reason ?? '', reason)
    })
  }
  for (const ip of allowed) {
    it(`allows ${ip}`, () => {
      assert.deepEqual(classifyAddress(ip), { allowed: true })
    })
  }
})

describe('createAddressPolicy', () => {
  it('defaults to the classifier', () => {
    const policy = createAddressPolicy({ allowPrivateNetworks: false })
    assert.equal(policy('10.0.0.1').allowed, false)
    assert.match(policy('169.254.169.254').reason ?? '', /metadata/)
    assert.equal(policy('8.8.8.8').allowed, true)
  })

  it('lifts every refusal with allowPrivateNetworks, but still rejects non-addresses', () => {
    const policy = createAddressPolicy({ allowPrivateNetworks: true })
    for (const ip of ['127.0.0.1', '::1', '10.0.0.1', 'fd00::1', '169.254.169.254']) {
      assert.deepEqual(policy(ip), { allowed: true }, ip)
    }
    assert.equal(policy('localhost').allowed, false)
  })

  it('lifts refusals only inside allowCidrs, including embedded IPv4 forms', () => {
    const policy = createAddressPolicy({ allowPrivateNetworks: false, allowCidrs: ['127.0.0.0/8', 'fd12:3456::/32'] })
    assert.equal(policy('127.0.0.1').allowed, true)
    assert.equal(policy('127.9.9.9').allowed, true)
    assert.equal(policy('::ffff:127.0.0.1').allowed, true)
    assert.equal(policy('fd12:3456::7').allowed, true)
    assert.equal(policy('::1').allowed, false)
    assert.equal(policy('10.0.0.1').allowed, false)
    assert.equal(policy('fd00::1').allowed, false)
    const host = createAddressPolicy({ allowPrivateNetworks: false, allowCidrs: ['10.1.2.3'] })
    assert.equal(host('10.1.2.3').allowed, true)
    assert.equal(host('10.1.2.4').allowed, false)
  })

  it('rejects malformed allowCidrs at creation', () => {
    for (const bad of ['10.0.0.0/33', '::/129', 'banana', '10.0.0.0/x', '10.0.0.0/']) {
      assert.throws(() => createAddressPolicy({ allowPrivateNetworks: false, allowCidrs: [bad] }), TypeError, bad)
    }
  })
})

describe('checkUrl', () => {
  const strict = createAddressPolicy({ allowPrivateNetworks: false })
  const open = createAddressPolicy({ allowPrivateNetworks: true })

  it('accepts http(s) URLs with public IP literals or any host name (no DNS here)', () => {
    for (const url of [
      'https://partner.example/hooks/nashra',
      'http://8.8.8.8:8080/in',
      'https://[2606:4700::1]/in',
      'https://internal-looking-name.corp/x',
    ]) {
      assert.deepEqual(checkUrl(url, strict), { allowed: true }, url)
    }
  })

  it('refuses other schemes, credentials and garbage', () => {
    assert.match(checkUrl('ftp://partner.example/', strict).reason ?? '', /scheme/)
    assert.match(checkUrl('file:///etc/passwd', strict).reason ?? '', /scheme/)
    assert.match(checkUrl('https://user:pw@partner.example/', strict).reason ?? '', /credentials/)
    assert.match(checkUrl('https://user@partner.example/', strict).reason ?? '', /credentials/)
    assert.match(checkUrl('not a url', strict).reason ?? '', /valid URL/)
  })

  it('refuses internal IP literals, including odd spellings the URL parser normalises', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00::1]/',
      'https://10.1.2.3/',
    ]) {
      const verdict = checkUrl(url, strict)
      assert.equal(verdict.allowed, false, url)
    }
    assert.match(checkUrl('http://0x7f.1/', strict).reason ?? '', /127\.0\.0\.1 is loopback/)
  })

  it('treats localhost names as loopback without resolving them', () => {
    for (const url of ['http://localhost:3000/', 'http://LOCALHOST./', 'http://api.localhost/']) {
      assert.match(checkUrl(url, strict).reason ?? '', /loopback/, url)
      assert.equal(checkUrl(url, open).allowed, true, url)
    }
  })

  it('lets allowPrivateNetworks and allowCidrs admit literals', () => {
    assert.equal(checkUrl('http://127.0.0.1:9/', open).allowed, true)
    const lab = createAddressPolicy({ allowPrivateNetworks: false, allowCidrs: ['10.0.0.0/8'] })
    assert.equal(checkUrl('http://10.4.4.4/', lab).allowed, true)
    assert.equal(checkUrl('http://192.168.0.1/', lab).allowed, false)
  })
})
