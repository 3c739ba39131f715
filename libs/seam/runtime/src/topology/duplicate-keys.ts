import { visit } from 'jsonc-parser';

/**
 * The keys written twice in one object of a JSON text, each as its path (`topologies.mixed`).
 * `JSON.parse` keeps the last of them without a word: a topology block copied to start a new one
 * and left with its old name would silently replace the original. `JSON.parse` offers no hook for
 * this; jsonc-parser's visitor walks the same text and names each property with its path.
 */
export function duplicateKeys(text: string): string[] {
  const objects: Array<Set<string>> = [];
  const duplicates: string[] = [];
  visit(text, {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (key, _offset, _length, _line, _column, pathOf) => {
      const keys = objects.at(-1)!;
      if (keys.has(key)) duplicates.push([...pathOf(), key].join('.'));
      keys.add(key);
    },
  });
  return duplicates;
}
