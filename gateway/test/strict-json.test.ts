import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { findDuplicateMember, parseStrictJson, registerStrictJson } from '../src/http/json-body';
import { registerStrictInput, strictSchema } from '../src/http/strict-input';
import { HttpProblem, sendProblem, toProblem } from '../src/http/problem';

const bytes = (s: string) => new TextEncoder().encode(s);

function refusal(body: Uint8Array): string {
  try {
    parseStrictJson(body);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpProblem);
    const p = (err as HttpProblem).problem;
    expect(p).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
    return p.detail ?? '';
  }
  throw new Error('accepted');
}

describe('parseStrictJson', () => {
  test('parses ordinary JSON as JSON.parse does', () => {
    const text = '{"to":"b","amount":"1","list":[{"a":1},{"a":2}],"nested":{"a":{"a":[]}},"s":"x\\"y,{\\"a\\":1}"}';
    expect(parseStrictJson(bytes(text))).toEqual(JSON.parse(text));
    expect(parseStrictJson(bytes('[1,"a",null,true]'))).toEqual([1, 'a', null, true]);
    expect(parseStrictJson(bytes('"just a string"'))).toBe('just a string');
  });

  test('an empty (or all-whitespace) body is no body: {}', () => {
    expect(parseStrictJson(bytes(''))).toEqual({});
    expect(parseStrictJson(bytes(' \r\n\t'))).toEqual({});
  });

  test.each([
    ['top level', '{"amount":"-5","amount":"1"}', 'amount'],
    ['nested object', '{"a":{"x":1,"y":2,"x":3}}', 'x'],
    ['object in an array', '{"recipients":[{"account":"a"},{"account":"b","account":"c"}]}', 'account'],
    ['same name once escaped', '{"amount":"1","\\u0061mount":"2"}', 'amount'],
    ['empty names', '{"":1,"":2}', ''],
    ['after a string containing braces and commas', '{"s":"},{\\"k\\":","k":1,"k":2}', 'k'],
  ])('refuses a duplicate member: %s', (_what, text, name) => {
    expect(refusal(bytes(text))).toBe(`duplicate member "${name}" in one object`);
  });

  test('the same name in different objects, or as a value, is not a duplicate', () => {
    expect(findDuplicateMember('{"a":{"a":"a"},"b":[{"a":1},{"a":2}],"c":"a"}')).toBeUndefined();
    expect(findDuplicateMember('[{"a":1},{"a":1}]')).toBeUndefined();
  });

  test('refuses __proto__ as a member name', () => {
    expect(refusal(bytes('{"a":{"__proto__":{"x":1}}}'))).toMatch(/__proto__/);
  });

  test('refuses invalid UTF-8 instead of replacing it', () => {
    const body = Buffer.concat([Buffer.from('{"terms":"caf'), Buffer.from([0xc3]), Buffer.from('"}')]);
    expect(refusal(body)).toMatch(/UTF-8/);
    expect(refusal(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toMatch(/UTF-8/);
  });

  test('refuses invalid JSON', () => {
    expect(refusal(bytes('{"amount": "1",'))).toMatch(/not valid JSON/);
  });
});

describe('strictSchema', () => {
  test('makes object schemas refuse unknown properties at every depth, keeping explicit choices', () => {
    const loose = Type.Object({ open: Type.Object({}, { additionalProperties: true }), list: Type.Array(Type.Object({ a: Type.String() })), one: Type.Union([Type.Object({ b: Type.String() }), Type.String()]) });
    const strict = strictSchema(loose) as any;
    expect(strict.additionalProperties).toBe(false);
    expect(strict.properties.open.additionalProperties).toBe(true);
    expect(strict.properties.list.items.additionalProperties).toBe(false);
    expect(strict.properties.one.anyOf[0].additionalProperties).toBe(false);
    expect((loose as any).additionalProperties).toBeUndefined();
    expect((loose as any).properties.list.items.additionalProperties).toBeUndefined();
  });
});

describe('a Fastify app with strict JSON and strict input', () => {
  async function app() {
    const a = Fastify({ ajv: { customOptions: { removeAdditional: false } } });
    registerStrictJson(a);
    registerStrictInput(a);
    a.setErrorHandler((error, request, reply) => sendProblem(request, reply, toProblem(error)));
    const Body = Type.Object({ amount: Type.String(), items: Type.Optional(Type.Array(Type.Object({ a: Type.String() }))) });
    a.post('/strict', { schema: { body: Body, querystring: Type.Object({ page: Type.Optional(Type.String()) }) } }, async (r) => ({ got: r.body }));
    a.post('/loose', { schema: { body: Body }, config: { looseInput: true } }, async (r) => ({ got: r.body }));
    a.post('/none', async (r) => ({ got: r.body }));
    return a;
  }
  const json = { 'content-type': 'application/json' };

  test('an unknown property is refused 400 naming it, at any depth; a route may opt out', async () => {
    const a = await app();
    let res = await a.inject({ method: 'POST', url: '/strict', headers: json, payload: '{"amount":"1","from":"x"}' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'INVALID_ARGUMENT', errors: [{ path: 'body/from', message: 'is not a known property' }] });
    res = await a.inject({ method: 'POST', url: '/strict', headers: json, payload: '{"amount":"1","items":[{"a":"x","b":"y"}]}' });
    expect(res.json()).toMatchObject({ code: 'INVALID_ARGUMENT', errors: [{ path: 'body/items/0/b' }] });
    res = await a.inject({ method: 'POST', url: '/strict?page=1&owner=me', headers: json, payload: '{"amount":"1"}' });
    expect(res.json()).toMatchObject({ code: 'INVALID_ARGUMENT', errors: [{ path: 'querystring/owner' }] });
    res = await a.inject({ method: 'POST', url: '/loose', headers: json, payload: '{"amount":"1","from":"x"}' });
    expect(res.json()).toEqual({ got: { amount: '1', from: 'x' } });
    await a.close();
  });

  test('an empty JSON body on a route without a body schema is accepted; duplicates are refused', async () => {
    const a = await app();
    let res = await a.inject({ method: 'POST', url: '/none', headers: json, payload: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ got: {} });
    res = await a.inject({ method: 'POST', url: '/strict', headers: json, payload: '{"amount":"-5","amount":"1"}' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_ARGUMENT', detail: 'duplicate member "amount" in one object' });
    await a.close();
  });
});
