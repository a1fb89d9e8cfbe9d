import { readFileSync } from 'node:fs'
const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8'))
const self = new Map<number, number>(); const byId = new Map<number, any>()
for (const n of p.nodes) byId.set(n.id, n)
const dt = p.timeDeltas as number[]; const total = dt.reduce((a, b) => a + b, 0)
p.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)))
const agg = new Map<string, number>()
for (const [id, t] of self) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; agg.set(k, (agg.get(k) ?? 0) + t) }
console.log('total ms', total / 1000)
for (const [k, t] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((t / total * 100).toFixed(1) + '%', k)
// inclusive by file
const parent = new Map<number, number>(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const incl = new Map<string, number>()
for (const [id, t] of self) { const seen = new Set<string>(); let cur: number | undefined = id; while (cur !== undefined) { const n = byId.get(cur); const k = n.callFrame.url.split('/').slice(-2).join('/') + ' ' + n.callFrame.functionName; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t) } cur = parent.get(cur) } }
console.log('--- inclusive')
for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log((t / total * 100).toFixed(1) + '%', k)
