// The category an editor sends ("politics", "Sport", "internationalNews") mapped to IPTC Media
// Topics, the subject vocabulary every partner's system understands. One table, reviewed like
// code: each entry names the categories newsrooms actually send and the topics they mean.
//
// Codes and English names are IPTC's (http://cv.iptc.org/newscodes/mediatopic/). Only codes
// checked against IPTC material are listed; where a finer topic could not be confirmed offline
// (e.g. the "agriculture" or "energy" sectors under products and services) the entry uses the
// confirmed broader topic, which is honest if less precise. Extend the table, never guess codes.

export interface MediaTopic {
  /** QCode in the `medtop` scheme, which the IPTC catalog declares. */
  qcode: `medtop:${string}`
  /** IPTC's English (en-GB) name. */
  name: string
}

/** Scheme URI behind the `medtop:` alias; a QCode's code appended to it gives the topic's URI. */
export const MEDIA_TOPIC_SCHEME = 'http://cv.iptc.org/newscodes/mediatopic/'

const topic = (code: string, name: string): MediaTopic => ({ qcode: `medtop:${code}`, name })

const ARTS = topic('01000000', 'arts, culture, entertainment and media')
const CRIME = topic('02000000', 'crime, law and justice')
const DISASTER = topic('03000000', 'disaster, accident and emergency incident')
const ECONOMY = topic('04000000', 'economy, business and finance')
const EDUCATION = topic('05000000', 'education')
const ENVIRONMENT = topic('06000000', 'environment')
const HEALTH = topic('07000000', 'health')
const HUMAN_INTEREST = topic('08000000', 'human interest')
const LABOUR = topic('09000000', 'labour')
const LIFESTYLE = topic('10000000', 'lifestyle and leisure')
const POLITICS = topic('11000000', 'politics')
const RELIGION = topic('12000000', 'religion')
const SCIENCE = topic('13000000', 'science and technology')
const SOCIETY = topic('14000000', 'society')
const SPORT = topic('15000000', 'sport')
const CONFLICT = topic('16000000', 'conflict, war and peace')
const WEATHER = topic('17000000', 'weather')

/**
 * Category keys (normalised: lower case, words joined by "-") → topics, most specific first.
 * A second-level topic is always followed by its top-level topic so partners that only file by
 * the 17 top-level topics still find the story.
 */
const TABLE: ReadonlyArray<readonly [readonly string[], readonly MediaTopic[]]> = [
  [['politics', 'political', 'government', 'local-politics'], [POLITICS]],
  [['elections', 'election'], [topic('20000574', 'election'), POLITICS]],
  [['world', 'international', 'international-news', 'world-news', 'foreign', 'middle-east', 'arab-world', 'arab', 'region', 'regional', 'diplomacy'],
    [topic('20000638', 'international relations'), POLITICS]],
  [['economy', 'economics', 'business', 'finance', 'markets', 'money'], [topic('20000344', 'economy'), ECONOMY]],
  [['agriculture', 'farming', 'energy', 'oil', 'transport', 'industry', 'tourism', 'real-estate'],
    [topic('20000209', 'products and services'), ECONOMY]],
  [['sport', 'sports'], [SPORT]],
  [['culture', 'arts', 'art', 'entertainment', 'cinema', 'music', 'literature'], [topic('20000038', 'culture'), ARTS]],
  [['media', 'press'], [topic('20000045', 'mass media'), ARTS]],
  [['health', 'medicine'], [HEALTH]],
  [['science'], [topic('20000717', 'natural science'), SCIENCE]],
  [['technology', 'tech', 'science-and-technology', 'sci-tech'], [topic('20000756', 'technology and engineering'), SCIENCE]],
  [['environment', 'climate', 'climate-change'], [ENVIRONMENT]],
  [['crime', 'justice', 'law', 'courts', 'police'], [CRIME]],
  [['terrorism', 'terror'], [topic('20000053', 'act of terror'), CONFLICT]],
  [['conflict', 'war', 'military', 'security', 'defence', 'defense'], [CONFLICT]],
  [['disaster', 'disasters', 'accident', 'accidents', 'emergency'], [DISASTER]],
  [['education', 'schools', 'universities'], [EDUCATION]],
  [['weather'], [WEATHER]],
  [['society', 'social', 'community', 'local'], [SOCIETY]],
  [['religion', 'religious', 'faith'], [RELIGION]],
  [['labour', 'labor', 'employment', 'jobs'], [LABOUR]],
  [['lifestyle', 'leisure', 'travel', 'food'], [LIFESTYLE]],
  [['human-interest', 'people', 'variety', 'miscellaneous'], [HUMAN_INTEREST]],
]

// Built once from constant data; never changed afterwards.
const BY_KEY: ReadonlyMap<string, readonly MediaTopic[]> = new Map(
  TABLE.flatMap(([keys, topics]) => keys.map((key) => [key, topics] as const)))

/**
 * "internationalNews", "International News", "international_news" → "international-news".
 * Only ASCII letters and digits survive: categories are tokens, not prose.
 */
export function categoryKey (category: string): string {
  return category
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** The Media Topics a category maps to; empty when the table has no entry for it. */
export function mediaTopicsFor (category: string | undefined): readonly MediaTopic[] {
  if (category === undefined) return []
  return BY_KEY.get(categoryKey(category)) ?? []
}

/** The topic's URI, for formats that take URIs rather than QCodes (ninjs, Atom, NITF). */
export function mediaTopicUri (topic: MediaTopic): string {
  return MEDIA_TOPIC_SCHEME + topic.qcode.slice('medtop:'.length)
}

/** Every category key the table knows, for documentation and tests. */
export function knownCategoryKeys (): string[] {
  return [...BY_KEY.keys()].sort()
}
