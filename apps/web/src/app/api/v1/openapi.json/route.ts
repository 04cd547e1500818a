import { openApiDocument } from '@loupe/api';

export const dynamic = 'force-static';

/** The OpenAPI document, generated from `@loupe/api`'s schemas and route table. */
export function GET() {
  return Response.json(openApiDocument());
}
