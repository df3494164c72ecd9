import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem, problem } from './problem';

/**
 * Strict JSON request bodies (issue 9, finding 2): the body must be valid UTF-8 and valid JSON,
 * and no object may name the same member twice, at any depth (RFC 8259 §4 leaves duplicates
 * undefined; JSON.parse lets the last one win, so `"amount":"-5","amount":"1"` would slip past a
 * reader that sees the first). `__proto__` as a member name is refused too (prototype
 * poisoning). An empty body is no body: parsed as `{}`, so a bodiless POST that still sends
 * `content-type: application/json` (the README's `api()` helper, finding 1) is accepted.
 * Every refusal is 400 INVALID_ARGUMENT.
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw refused('the body is not valid UTF-8');
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw refused(`the body is not valid JSON: ${(err as Error).message}`);
  }
  const bad = findDuplicateMember(text);
  if (bad) throw refused(bad);
  return value;
}

/**
 * Scans JSON text that JSON.parse accepted and names the first object member that appears twice
 * in one object (compared after unescaping, so `"a"` and `"\u0061"` are the same name), or a
 * `__proto__` member; `undefined` when there is none.
 */
export function findDuplicateMember(text: string): string | undefined {
  // One frame per open object or array: an object's member names so far, and whether the next
  // string in it is a member name.
  const stack: { names?: Set<string>; expectName: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push({ names: new Set(), expectName: true });
    else if (c === '[') stack.push({ expectName: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.names) top.expectName = true;
    } else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (top?.names && top.expectName) {
        const name = JSON.parse(text.slice(start, i + 1)) as string;
        if (name === '__proto__') return 'the member name "__proto__" is not allowed';
        if (top.names.has(name)) return `duplicate member "${name}" in one object`;
        top.names.add(name);
        top.expectName = false;
      }
    }
  }
  return undefined;
}

function refused(detail: string): HttpProblem {
  return new HttpProblem(problem(400, 'INVALID_ARGUMENT', detail));
}

/** Replaces Fastify's JSON body parser with parseStrictJson for `application/json`. */
export function registerStrictJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  const parse = (_request: FastifyRequest, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
    try {
      done(null, parseStrictJson(body));
    } catch (err) {
      done(err as Error);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
}
