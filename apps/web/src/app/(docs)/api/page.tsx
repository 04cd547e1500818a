import type { Metadata } from 'next';
import { ApiReference, type OpenApiDocument } from '../../../components/ApiReference';
import { openApiDocument } from '@loupe/api';

export const metadata: Metadata = { title: 'API' };

/** The REST API, rendered from the same OpenAPI document that /api/v1/openapi.json serves. */
export default function ApiPage() {
  return <ApiReference doc={openApiDocument() as unknown as OpenApiDocument} />;
}
