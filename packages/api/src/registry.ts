// The registry of named schemas: each becomes `#/components/schemas/<id>` in the OpenAPI document.
import { z } from 'zod';

export const components = z.registry<{ id: string; description?: string }>();

/** Names a schema for the OpenAPI document (and returns it, so a definition stays one expression). */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  components.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

/** A timestamp as the server sends it (ISO 8601, UTC). */
export const timestamp = z.iso.datetime();
