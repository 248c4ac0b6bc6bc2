import { validationFailed } from '../errors/domain-error';
import { isCleanText } from './text';

/** JSON nested deeper than this is refused before any DTO sees it (deep nesting overflowed the transformer's stack). */
export const MAX_JSON_DEPTH = 32;

/**
 * Checks a parsed request value (body, query or params) iteratively: bounded
 * depth, and every string (keys included) clean text. Throws one validation
 * error naming the first offending field path, never the value.
 */
export function assertRequestShape(value: unknown, root: string): void {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: root, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isCleanText(v)) throw bad(path, 'control characters and unpaired surrogates are not accepted in text');
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw bad(path, `nested deeper than ${MAX_JSON_DEPTH} levels`);
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      if (!isCleanText(key)) throw bad(path, 'a field name holds control characters');
      stack.push({ v: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

const bad = (path: string, issue: string) => {
  // Paths name fields the caller sent; cut long ones so an error never echoes a whole document.
  const field = path.length > 120 ? `${path.slice(0, 117)}...` : path;
  return validationFailed(`invalid input in ${field}: ${issue}`, [{ field, issue }]);
};
