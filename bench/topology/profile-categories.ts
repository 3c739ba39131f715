import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/** Where the CPU of a request goes, in the categories docs/benchmarks.md reports. */
export const CATEGORIES = [
  'HTTP adapter',
  'auth',
  'validation',
  'the seam',
  'ORM',
  'SQL driver',
  'logging',
  'GC',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Ordered: the first pattern matching a frame's source (package path, or the original file of a
// bundled frame through its source map) decides. Bundled apps hide which library a function
// belongs to, so the maps are what tells the seam from a module's own code.
const RULES: Array<[RegExp, Category]> = [
  [
    /node_modules\/(jose|@node-rs\/argon2)\/|node:internal\/crypto|identity\/core\/src\/.*(token|password|signing)/,
    'auth',
  ],
  [
    /node_modules\/(class-validator|class-transformer|validator)\/|seam\/transport\/src\/door\/|edge-validation/,
    'validation',
  ],
  [
    /node_modules\/(pino|pino-std-serializers|sonic-boom|nestjs-pino|pino-pretty)\/|runtime\/src\/logging\/|@nestjs\/common\/services\/.*logger/,
    'logging',
  ],
  [
    /node_modules\/(better-sqlite3|pg|pg-protocol|pg-pool|pg-types)\/|typeorm\/driver\/(better-sqlite3|postgres)\/.*QueryRunner/,
    'SQL driver',
  ],
  [/node_modules\/typeorm\/|seam\/persistence\/src\//, 'ORM'],
  [/seam\/(transport|resilience|messaging)\/src\/|node_modules\/cockatiel\//, 'the seam'],
  [
    /node_modules\/(express|router|body-parser|raw-body|@nestjs\/platform-express|helmet|etag|fresh|send|content-type|mime-types|mime-db|on-finished|parseurl|path-to-regexp|finalhandler|qs|cookie|accepts|negotiator|type-is|vary|@nestjs\/throttler)\/|@nestjs\/core\/router\/|node:_http|node:net|apps\/monolith\/src\/edge\//,
    'HTTP adapter',
  ],
];

/** The category of a source location, or `undefined` when it says nothing (native code, Node's plumbing). */
function categoryOfSource(source: string): Category | undefined {
  for (const [pattern, category] of RULES) if (pattern.test(source)) return category;
  return undefined;
}

/** Reads bundled apps' source maps once each, to name the original file of a bundled frame. */
class Sources {
  private readonly maps = new Map<string, SourceMap | null>();

  original(url: string, line: number, column: number): string {
    if (!url.startsWith('file://') || url.includes('/node_modules/')) return url;
    let map = this.maps.get(url);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(new URL(`${url}.map`), 'utf8')));
      } catch {
        map = null;
      }
      this.maps.set(url, map);
    }
    const entry = map?.findEntry(line, column) as { originalSource?: string } | undefined;
    return entry?.originalSource ?? url;
  }
}

/**
 * Self time of a `.cpuprofile` by category, in µs (idle left out). A frame that says nothing by
 * itself — native code such as a socket write or an HMAC, Node's event plumbing — is charged to
 * the nearest caller that does; whatever nothing claims is `other`.
 */
export function categorize(file: string, sources = new Sources()): Map<Category, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const own = new Map<number, Category | undefined>();
  const resolved = new Map<number, Category | 'idle'>();
  const categoryOf = (id: number): Category | 'idle' => {
    const known = resolved.get(id);
    if (known) return known;
    const { functionName, url, lineNumber, columnNumber } = byId.get(id)!.callFrame;
    let category: Category | 'idle' | undefined;
    if (functionName === '(idle)') category = 'idle';
    else if (functionName === '(garbage collector)') category = 'GC';
    else if (!own.has(id))
      own.set(id, url ? categoryOfSource(sources.original(url, lineNumber, columnNumber)) : undefined);
    category ??= own.get(id);
    if (!category) {
      const parent = parentOf.get(id);
      category = parent === undefined ? 'other' : categoryOf(parent);
      if (category === 'idle') category = 'other';
    }
    resolved.set(id, category);
    return category;
  };
  const totals = new Map<Category, number>(CATEGORIES.map((category) => [category, 0]));
  profile.samples.forEach((id, index) => {
    const category = categoryOf(id);
    // The first delta runs from when the profiler started, not from a previous sample.
    if (category !== 'idle' && index > 0)
      totals.set(category, totals.get(category)! + (profile.timeDeltas[index] ?? 0));
  });
  return totals;
}
