// Every response the tests receive is checked against `@loupe/api` — the schemas the OpenAPI document and the client
// come from — so a handler that drifts from the wire format (a field missing, renamed or extra) fails the test that
// called it. `checkedFetch` is given to the client (and used for raw requests); `covered` lists what was checked.
import { ErrorBody, routeFor, routes, type Route } from '@loupe/api';
import type { z } from 'zod';

export const covered = new Set<string>();

const key = (r: Pick<Route, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

export const checkedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!url.pathname.startsWith('/api/v1/') || url.pathname === '/api/v1/openapi.json') return response;
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const route = routeFor(method, url.pathname);
  if (!route) throw new Error(`${method} ${url.pathname} answered ${response.status} but is not in @loupe/api's route table`);
  if (response.status === 304) return response;
  if (!response.ok) {
    const body = await response.clone().json();
    const parsed = ErrorBody.safeParse(body);
    if (!parsed.success) throw new Error(`${key(route)} ${response.status}: the error body is not { error: { code, message } }: ${JSON.stringify(body).slice(0, 300)}`);
    return response;
  }
  if ('file' in route.response) {
    const type = response.headers.get('content-type') ?? '';
    const expected = route.response.file.replace('*', '');
    if (!type.startsWith(expected) && !(route.path.endsWith('/confusion') && type === 'image/svg+xml'))
      throw new Error(`${key(route)}: content-type ${type}, expected ${route.response.file}`);
  } else {
    const expected = route.status ?? 200;
    if (response.status !== expected) throw new Error(`${key(route)}: status ${response.status}, the route table says ${expected}`);
    const body = await response.clone().json();
    const parsed = (route.response as z.ZodType).safeParse(body);
    if (!parsed.success)
      throw new Error(`${key(route)}: the response drifted from @loupe/api: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  covered.add(key(route));
  return response;
};

/** The routes of the table no response was checked for (only successes count). */
export function uncovered(only: (r: Route) => boolean = () => true): string[] {
  return routes.filter(only).map(key).filter((k) => !covered.has(k));
}
