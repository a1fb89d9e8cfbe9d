// The language codes Google Cloud Translation (NMT) accepts, as a static snapshot of Google's
// "Language support" page (2024 list, 240-odd languages). Static on purpose: ingest and the admin
// API validate codes without a network call, and an unknown code is refused before it can fail
// every article later with INVALID_ARGUMENT. A code Google adds after this snapshot needs a line here.

const GOOGLE_LANGUAGES = `
ab ace ach af ak alz am ar as av awa ay az ba bal ban bbc bci be bem bew bg bho bik bm bm-Nkoo bn bo
br bs bts btx bua ca ce ceb cgg ch chk chm ckb cnh co crh crs cs cv cy da de din doi dov dv dyu dz ee
el en eo es et eu fa fa-AF ff fi fil fj fo fon fr fr-CA fr-FR fur fy ga gaa gd gl gn gom gu gv ha haw
he hi hil hmn hr hrx ht hu hy iba id ig ilo is it iu iu-Latn iw ja jam jv jw ka kac kek kg kha kk kl km
kn ko kr kri ktu ku kv ky la lb lg li lij lmo ln lo lt ltg lua luo lus lv mad mai mak mam mfe mg mh mi
min mk ml mn mni-Mtei mr ms ms-Arab mt mwr my ndc-ZW ne new nhe nl no nr nso nus ny oc om or os pa
pa-Arab pag pam pap pl ps pt pt-BR pt-PT qu rn ro rom ru rw sa sah sat scn sd se sg shn si sk sl sm sn
so sq sr ss st su sus sv sw szl ta tcy te tet tg th ti tiv tk tl tn to tpi tr trp ts tt tum ty tyv udm
ug uk ur uz ve vec vi war wo xh yi yo yua yue zap zh zh-CN zh-TW zu
`.trim().split(/\s+/)

const BY_LOWER = new Map(GOOGLE_LANGUAGES.map((code) => [code.toLowerCase(), code]))

// Scripts written right to left, by primary language subtag (plus the Arabic-script variants).
const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'iw', 'ur', 'ps', 'sd', 'ug', 'yi', 'dv', 'ckb', 'bal'])

export function primarySubtag (code: string): string {
  return code.split('-')[0]!.toLowerCase()
}

/**
 * The code to send Google for a language tag, or undefined when Google supports neither the tag
 * itself nor its primary language ("en-GB" → "en", "zh-tw" → "zh-TW", "xx" → undefined).
 */
export function engineLanguageCode (code: string): string | undefined {
  return BY_LOWER.get(code.toLowerCase()) ?? BY_LOWER.get(primarySubtag(code))
}

export function isSupportedLanguage (code: string): boolean {
  return engineLanguageCode(code) !== undefined
}

/** Script direction of a language tag: Arabic, Persian, Hebrew, Urdu… and `-Arab` variants are rtl. */
export function isRightToLeft (code: string): boolean {
  return RIGHT_TO_LEFT.has(primarySubtag(code)) || /-arab(?:-|$)/i.test(code)
}
