// The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json and rendered on the /api page.
const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', ...json(error) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'bad request (missing field, bad option)',
  401: 'no or invalid credentials',
  403: 'the API key lacks the admin scope',
  404: 'not found',
  409: 'conflict (the slug or item exists)',
  413: 'too large (request bytes or image pixels)',
  415: 'unsupported media type or image format',
  422: 'validation failed, or a corrupt image',
  503: 'not ready (starting, or the model is not built)',
};
const imageForm = (extra: Record<string, object> = {}) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['image'],
        properties: {
          image: { type: 'string', format: 'binary', description: 'JPEG, PNG, WebP, GIF (first frame), AVIF or TIFF; the type is sniffed from the bytes' },
          box: { type: 'string', description: 'a region "x0,y0,x1,y1" in image pixels: analyse only that part (crop search)' },
          ...extra,
        },
      },
    },
  },
});
const searchOptions = {
  k: { type: 'integer', minimum: 1, maximum: 100, default: 12 },
  catalog: { type: 'string', description: 'catalog slug; all catalogs when absent' },
  minScore: { type: 'number', minimum: -1, maximum: 1, description: 'relevance cut-off (cosine similarity)' },
  classId: { type: 'integer', description: 'only items whose top ImageNet class is this one' },
  cursor: { type: 'string', description: 'nextCursor of the previous page' },
};
const admin = [{ session: [] }, { apiKey: [] }];

export const openApiDocument = {
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
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
      },
      Prediction: { type: 'object', required: ['classId', 'label', 'score'], properties: { classId: { type: 'integer' }, label: { type: 'string' }, score: { type: 'number' } } },
      Box: {
        type: 'object',
        required: ['x0', 'y0', 'x1', 'y1', 'label', 'score'],
        properties: { x0: { type: 'number' }, y0: { type: 'number' }, x1: { type: 'number' }, y1: { type: 'number' }, classId: { type: 'integer' }, label: { type: 'string' }, score: { type: 'number' } },
      },
      QueryAnalysis: {
        type: 'object',
        properties: {
          width: { type: 'integer' },
          height: { type: 'integer' },
          predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } },
          boxes: { type: 'array', items: { $ref: '#/components/schemas/Box' } },
        },
      },
      SearchResult: {
        type: 'object',
        required: ['id', 'score', 'title', 'catalog', 'thumbnailUrl'],
        properties: { id: { type: 'integer' }, score: { type: 'number', description: 'cosine similarity, 1 = identical' }, title: { type: 'string' }, catalog: { type: 'string' }, thumbnailUrl: { type: 'string' }, topClass: { type: ['string', 'null'] } },
      },
      SearchResponse: {
        type: 'object',
        required: ['query', 'results', 'nextCursor'],
        properties: {
          query: { oneOf: [{ $ref: '#/components/schemas/QueryAnalysis' }, { type: 'null' }] },
          results: { type: 'array', items: { $ref: '#/components/schemas/SearchResult' } },
          nextCursor: { type: ['string', 'null'] },
          tookMs: { type: 'integer' },
        },
      },
      Catalog: { type: 'object', properties: { id: { type: 'integer' }, slug: { type: 'string' }, name: { type: 'string' }, items: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' } } },
      Item: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          catalog: { type: 'string' },
          externalId: { type: ['string', 'null'] },
          title: { type: 'string' },
          metadata: { type: 'object' },
          width: { type: 'integer' },
          height: { type: 'integer' },
          predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } },
          boxes: { type: 'array', items: { $ref: '#/components/schemas/Box' } },
          thumbnailUrl: { type: 'string' },
          imageUrl: { type: 'string' },
        },
      },
      Job: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          catalog: { type: 'string' },
          status: { enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
          total: { type: 'integer' },
          done: { type: 'integer' },
          added: { type: 'integer' },
          duplicates: { type: 'integer' },
          failed: { type: 'integer' },
          ratePerSecond: { type: 'number' },
          etaSeconds: { type: ['integer', 'null'] },
          failures: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, reason: { type: 'string' } } } },
        },
      },
    },
  },
  paths: {
    '/health': { get: { summary: 'Ready to serve searches?', responses: { 200: { description: 'ready', ...json({ type: 'object' }) }, ...errors(503) } } },
    '/search': {
      post: {
        summary: 'Search by image (multipart), by item (JSON itemId: more like this) or by vector (JSON vector: in-browser mode)',
        requestBody: {
          required: true,
          content: {
            ...imageForm(searchOptions).content,
            'application/json': {
              schema: {
                type: 'object',
                properties: { itemId: { type: 'integer' }, vector: { type: 'array', items: { type: 'number' }, minItems: 2048, maxItems: 2048 }, ...searchOptions },
              },
            },
          },
        },
        responses: { 200: { description: 'results, best first', ...json({ $ref: '#/components/schemas/SearchResponse' }) }, ...errors(400, 404, 413, 415, 422) },
      },
    },
    '/classify': {
      post: {
        summary: 'ImageNet top-k classes',
        requestBody: imageForm({ k: { type: 'integer', default: 5 } }),
        responses: { 200: { description: 'classes', ...json({ type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' }, predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } } } }) }, ...errors(400, 413, 415, 422) },
      },
    },
    '/localize': {
      post: {
        summary: 'Boxes of the confident classes (class activation maps), optionally a heatmap PNG',
        requestBody: imageForm({ heatmap: { type: 'string', enum: ['0', '1'] } }),
        responses: { 200: { description: 'boxes', ...json({ type: 'object' }) }, ...errors(400, 413, 415, 422) },
      },
    },
    '/embed': {
      post: {
        summary: 'The 2048-d L2-normalised feature vector',
        requestBody: imageForm(),
        responses: { 200: { description: 'vector', ...json({ type: 'object', properties: { model: { type: 'string' }, dim: { type: 'integer' }, vector: { type: 'array', items: { type: 'number' } } } }) }, ...errors(400, 413, 415, 422) },
      },
    },
    '/catalogs': {
      get: { summary: 'All catalogs with item counts', responses: { 200: { description: 'catalogs', ...json({ type: 'object', properties: { catalogs: { type: 'array', items: { $ref: '#/components/schemas/Catalog' } } } }) } } },
      post: {
        summary: 'Create a catalog (admin)',
        security: admin,
        requestBody: { required: true, ...json({ type: 'object', required: ['slug'], properties: { slug: { type: 'string' }, name: { type: 'string' } } }) },
        responses: { 201: { description: 'created', ...json({ $ref: '#/components/schemas/Catalog' }) }, ...errors(401, 403, 409, 422) },
      },
    },
    '/catalogs/{slug}': {
      parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
      get: { summary: 'One catalog', responses: { 200: { description: 'catalog', ...json({ $ref: '#/components/schemas/Catalog' }) }, ...errors(404) } },
      patch: { summary: 'Rename (admin)', security: admin, requestBody: { required: true, ...json({ type: 'object', properties: { name: { type: 'string' } } }) }, responses: { 200: { description: 'renamed' }, ...errors(401, 403, 404, 422) } },
      delete: { summary: 'Delete with its items (admin)', security: admin, responses: { 200: { description: 'deleted' }, ...errors(401, 403, 404) } },
    },
    '/catalogs/{slug}/items': {
      parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        summary: 'A page of items',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', default: 48 } },
          { name: 'cursor', in: 'query', schema: { type: 'integer' } },
          { name: 'classId', in: 'query', schema: { type: 'integer' } },
        ],
        responses: { 200: { description: 'items', ...json({ type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Item' } }, nextCursor: { type: ['integer', 'null'] } } }) }, ...errors(404) },
      },
      post: {
        summary: 'Upload images, a zip, or a manifest with its images (admin); ingested in the background',
        security: admin,
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } },
        responses: { 202: { description: 'queued', ...json({ $ref: '#/components/schemas/Job' }) }, ...errors(400, 401, 403, 413, 415) },
      },
    },
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { summary: 'An item with metadata, predictions and box', responses: { 200: { description: 'item', ...json({ $ref: '#/components/schemas/Item' }) }, ...errors(404) } },
      delete: { summary: 'Delete an item (admin)', security: admin, responses: { 200: { description: 'deleted' }, ...errors(401, 403, 404) } },
    },
    '/items/{id}/thumbnail': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], get: { summary: 'WebP thumbnail (immutable)', responses: { 200: { description: 'image/webp' }, ...errors(404) } } },
    '/items/{id}/image': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], get: { summary: 'The original image', responses: { 200: { description: 'the image' }, ...errors(404) } } },
    '/jobs': { get: { summary: 'Recent ingest jobs (admin)', security: admin, responses: { 200: { description: 'jobs' }, ...errors(401, 403) } } },
    '/jobs/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], get: { summary: 'Job progress and failures (admin)', security: admin, responses: { 200: { description: 'job', ...json({ $ref: '#/components/schemas/Job' }) }, ...errors(401, 403, 404) } } },
    '/reindex': { post: { summary: 'Recompute embeddings for the active model (admin)', security: admin, responses: { 202: { description: 'started' }, ...errors(401, 403) } } },
    '/stats': { get: { summary: 'Dashboard numbers (admin)', security: admin, responses: { 200: { description: 'stats' }, ...errors(401, 403) } } },
    '/auth/login': { post: { summary: 'Admin sign-in: { password } → session cookie', requestBody: { required: true, ...json({ type: 'object', properties: { password: { type: 'string' } } }) }, responses: { 200: { description: 'signed in' }, ...errors(401, 422, 503) } } },
    '/auth/logout': { post: { summary: 'Sign out', responses: { 200: { description: 'signed out' } } } },
    '/keys': {
      get: { summary: 'API keys (signed-in admin)', security: [{ session: [] }], responses: { 200: { description: 'keys' }, ...errors(401, 403) } },
      post: { summary: 'Create an API key; the key is returned once', security: [{ session: [] }], requestBody: { required: true, ...json({ type: 'object', properties: { name: { type: 'string' }, scope: { enum: ['read', 'admin'] } } }) }, responses: { 201: { description: 'created' }, ...errors(401, 403, 422) } },
    },
    '/keys/{id}': { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }], delete: { summary: 'Revoke a key', security: [{ session: [] }], responses: { 200: { description: 'revoked' }, ...errors(401, 403, 404) } } },
    '/model/{file}': { parameters: [{ name: 'file', in: 'path', required: true, schema: { enum: ['model.onnx', 'labels.json', 'classifier.bin', 'manifest.json'] } }], get: { summary: 'Model files for in-browser mode (fp16 ONNX, labels, classifier weights)', responses: { 200: { description: 'the file' }, ...errors(404) } } },
  },
} as const;
