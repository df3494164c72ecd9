import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Accept properties the body and querystring schemas do not name (default: refused). */
    looseInput?: boolean;
  }
}

type Schema = Record<string, unknown>;

/**
 * A copy of a JSON schema in which every object schema that does not say otherwise refuses
 * properties it does not name (`additionalProperties: false`), at any depth: in properties,
 * array items and anyOf/oneOf alternatives. An explicit `additionalProperties` (true or a schema)
 * is kept; allOf members are left alone (each would refuse the others' properties). The input
 * schema is not changed, so a schema shared with responses keeps its meaning there.
 */
export function strictSchema<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(strictSchema) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Schema;
  const out: Schema = { ...s };
  if (s.properties && typeof s.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(s.properties as Schema).map(([k, v]) => [k, strictSchema(v)]));
  }
  if (s.items) out.items = strictSchema(s.items);
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) out[k] = strictSchema(s[k]);
  if (s.type === 'object' && s.properties && !('additionalProperties' in s) && !('patternProperties' in s)) out.additionalProperties = false;
  return out as T;
}

/**
 * Strict input in one place (issue 9, finding 2): every route's body and querystring schema is
 * made strict with strictSchema when the route is added, so a request naming a property the
 * route does not know is refused with 400 INVALID_ARGUMENT naming it, instead of the property
 * being dropped (with ajv `removeAdditional: false`). A route opts out with
 * `config: { looseInput: true }`. Register before the routes.
 */
export function registerStrictInput(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.schema || (route.config as { looseInput?: boolean } | undefined)?.looseInput) return;
    if (route.schema.body) route.schema.body = strictSchema(route.schema.body);
    if (route.schema.querystring) route.schema.querystring = strictSchema(route.schema.querystring);
  });
}
