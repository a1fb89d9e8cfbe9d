// One enforced code style: standard (no semicolons, single quotes, a space before function
// parentheses, no trailing commas) through neostandard, as fastify/demo does. Biome stays the
// linter for correctness; `npm run lint` runs both.
import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, noJsx: true, ignores: ['test/fixtures/**', 'data/**', 'dist/**', '.tmp/**'] }),
  {
    rules: {
      // `void promise` marks a deliberate fire-and-forget.
      'no-void': ['error', { allowAsStatement: true }],
      // Loop conditions are flags that stop() or a callback sets, which this rule cannot see.
      'no-unmodified-loop-condition': 'off',
      // The XML writer strips the control characters XML 1.0 forbids: matching them is the point.
      'no-control-regex': 'off',
      // A TypeBox schema and the type derived from it share one name (`Foo` and `Static<typeof Foo>`).
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
