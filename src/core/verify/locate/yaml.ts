import type { Document, Node } from 'yaml';
import { yaml } from '../../parsers.js';
import type { Position, SourceMap } from '../types.js';
import { LineIndex } from './lines.js';
import { lazyMap, OffsetRecorder } from './offsets.js';

export interface YamlSyntaxError extends Position {
  message: string;
}

export interface ParsedYaml {
  /** One entry per `---` document; empty documents are left out. */
  documents: { data: unknown; map: SourceMap }[];
  errors: YamlSyntaxError[];
}

/**
 * Parses YAML (all documents of a stream) with the `yaml` package and records where every key
 * and value starts, from the nodes' source ranges. An alias (`*base`) is located where it is
 * used; keys brought in by a merge key (`<<: *base`) are located at the anchored definition.
 */
export function parseYaml(text: string): ParsedYaml {
  // `merge: true` applies `<<` keys as Spring, Envoy and docker-compose users expect (YAML 1.1).
  const docs = yaml().parseAllDocuments(text, {
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  let lines: LineIndex | undefined;
  const index = () => (lines ??= new LineIndex(text));
  const list = Array.isArray(docs) ? docs : [docs];
  const errors: YamlSyntaxError[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      // The message alone, never yaml's excerpt of the input (it could quote a secret).
      errors.push({
        ...index().at(error.pos[0]),
        message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      });
    }
  }
  if (errors.length) return { documents: [], errors };
  const documents: ParsedYaml['documents'] = [];
  for (const doc of list) {
    if (doc.contents === null) continue;
    // Positions are walked from the CST only when a finding asks for one.
    const map = lazyMap(() => {
      const rec = new OffsetRecorder(text, index());
      walk(doc, doc.contents as Node, [], rec, new Set());
      return rec;
    });
    documents.push({ data: doc.toJS({ maxAliasCount: 1000 }), map });
  }
  return { documents, errors };
}

function walk(
  doc: Document,
  node: Node | null,
  path: (string | number)[],
  rec: OffsetRecorder,
  seen: Set<Node>,
): void {
  if (!node) return;
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  if (node.range) rec.recordValue(path, node.range[0]);
  // An alias's value was located at its anchor; follow it once so nested paths resolve there too.
  const target = isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
  if (!target || seen.has(target)) return;
  if (isMap(target)) {
    seen.add(target);
    for (const pair of target.items) {
      if (!isPair(pair)) continue;
      if (!isScalar(pair.key)) continue;
      // With `merge: true` the yaml package gives a merge key a symbol value (source `<<`).
      const key =
        typeof pair.key.value === 'symbol' ? (pair.key.source ?? '<<') : String(pair.key.value);
      if (key === '<<' && typeof pair.key.value === 'symbol') {
        walkMerge(doc, pair.value as Node, path, rec, seen);
        continue;
      }
      const keyNode = pair.key as Node;
      if (keyNode.range) rec.recordKey([...path, key], keyNode.range[0], true);
      walk(doc, pair.value as Node | null, [...path, key], rec, seen);
    }
    seen.delete(target);
  } else if (isSeq(target)) {
    seen.add(target);
    target.items.forEach((item, i) => walk(doc, item as Node, [...path, i], rec, seen));
    seen.delete(target);
  }
}

/** `<<: *base` or `<<: [*a, *b]`: the merged keys, where the document does not set them itself. */
function walkMerge(
  doc: Document,
  value: Node | null,
  path: (string | number)[],
  rec: OffsetRecorder,
  seen: Set<Node>,
): void {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const sources = isSeq(value) ? (value.items as Node[]) : [value];
  for (const source of sources) {
    const map = isAlias(source) ? source.resolve(doc) : source;
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const keyPath = [...path, String(pair.key.value)];
      const keyNode = pair.key as Node;
      // A key set next to `<<` (before it, or an earlier merge source) overrides the merged one.
      if (rec.key(keyPath)) continue;
      if (keyNode.range) rec.recordKey(keyPath, keyNode.range[0]);
      walk(doc, pair.value as Node | null, keyPath, rec, seen);
    }
  }
}
