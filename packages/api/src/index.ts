// @loupe/api — the REST wire format of /api/v1, defined once: zod schemas (requests and responses), the types
// inferred from them, the route table and the OpenAPI document generated from both.
export * from './common.ts';
export * from './search.ts';
export * from './catalogs.ts';
export * from './jobs.ts';
export * from './heads.ts';
export * from './admin.ts';
export { routes, routeFor, type Route, type Method } from './routes.ts';
export { openApiDocument } from './openapi.ts';
export { components } from './registry.ts';
