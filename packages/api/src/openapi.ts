// The OpenAPI 3.1 document of /api/v1, generated from the route table and the zod schemas — never written by hand.
import { z } from 'zod';
import { components } from './registry.ts';
import { routes, type Route } from './routes.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'bad request (missing field, bad option)',
  401: 'no or invalid credentials',
  403: 'the API key lacks the admin scope',
  404: 'not found',
  409: 'conflict (exists already, another model, a training running)',
  410: 'gone (a result cursor that expired: search again)',
  413: 'too large (request bytes or image pixels)',
  415: 'unsupported media type or image format',
  422: 'validation failed, or a corrupt image',
  503: 'not ready (starting, or the model is not built)',
};

type Json = Record<string, unknown>;

/** A $ref to a route's request or response schema: each is a named component (`named()`), so it is listed once. */
function schemaOf(schema: z.ZodType): Json {
  const id = components.get(schema)?.id;
  if (!id) throw new Error('a route schema must be named with named() so that the document lists it once');
  return { $ref: `#/components/schemas/${id}` };
}

function parametersOf(route: Route): Json[] {
  const path = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const shape = route.query?.shape ?? {};
  const query = Object.entries(shape).map(([name, s]) => {
    const json = z.toJSONSchema(s as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Json;
    const { $schema: _s, description, ...schema } = json;
    return { name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema, ...(description ? { description } : {}) };
  });
  return [...path, ...query];
}

function requestBodyOf(route: Route, schemas: Record<string, Json>): Json | undefined {
  const content: Json = {};
  if (route.multipart) {
    // Multipart fields are listed inline next to the file, as form fields (not as a referenced object).
    const fields = route.multipart.fields ? (schemas[components.get(route.multipart.fields)!.id] as { properties?: Json; required?: string[] }) : undefined;
    const file =
      route.multipart.file === 'image'
        ? { type: 'string', format: 'binary', description: 'JPEG, PNG, WebP, GIF (first frame), AVIF or TIFF; the type is sniffed from the bytes' }
        : { type: 'array', items: { type: 'string', format: 'binary' }, description: 'images, or one zip, or one manifest with its images' };
    const needsFile = route.path !== '/search'; // a search page by cursor needs no image
    content['multipart/form-data'] = {
      schema: { type: 'object', required: [...(needsFile ? [route.multipart.file] : []), ...(fields?.required ?? [])], properties: { [route.multipart.file]: file, ...fields?.properties } },
    };
  }
  if (route.json) content['application/json'] = { schema: schemaOf(route.json) };
  return Object.keys(content).length > 0 ? { required: true, content } : undefined;
}

function responsesOf(route: Route): Json {
  const ok = 'file' in route.response
    ? { description: 'the file', content: { [route.response.file]: { schema: { type: 'string', format: 'binary' } } } }
    : { description: 'success', content: { 'application/json': { schema: schemaOf(route.response as z.ZodType) } } };
  const errors = Object.fromEntries(
    [...new Set([...(route.errors ?? []), 500])].map((status) => [
      String(status),
      { description: ERROR_TEXT[status] ?? 'internal error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  );
  return { [String(route.status ?? 200)]: ok, ...errors };
}

/** Named schemas as JSON Schema: requests as the server reads them (input), responses as it writes them (output). */
function componentSchemas(): Record<string, Json> {
  const generate = (io: 'input' | 'output') => {
    const { schemas } = z.toJSONSchema(components, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as { schemas: Record<string, Json> };
    return schemas;
  };
  const input = generate('input');
  const output = generate('output');
  const requests = new Set(routes.flatMap((r) => [r.json, r.multipart?.fields, r.query]).flatMap((s) => (s ? [components.get(s)!.id] : [])));
  return Object.fromEntries(
    Object.keys(output).map((id) => {
      const { $schema: _s, $id: _i, ...schema } = (requests.has(id) ? input[id] : output[id])!;
      return [id, schema];
    }),
  );
}

/** Builds the document (cheap enough to build per request; callers may keep it). */
export function openApiDocument(): Json {
  const schemas = componentSchemas();
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const body = requestBodyOf(route, schemas);
    const operation: Json = {
      summary: route.summary,
      ...(route.auth ? { security: route.auth === 'session' ? [{ session: [] }] : [{ session: [] }, { apiKey: [] }] } : {}),
      parameters: parametersOf(route),
      ...(body ? { requestBody: body } : {}),
      responses: responsesOf(route),
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loupe API',
      version: '1',
      description:
        'Visual search: ImageNet classes, boxes and similar catalog items from one forward pass of a ResNet-50. Read routes are public; admin routes need a session cookie (POST /auth/login) or an API key (`Authorization: Bearer lk_…`) with the admin scope. Errors are `{ "error": { "code", "message" } }`.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'loupe_session' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'lk_… keys, created by an admin; scope read or admin' },
      },
      schemas,
    },
    paths,
  };
}
