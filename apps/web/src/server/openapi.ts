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
  label: { type: 'string', description: "only items with this label under the catalog's active classifier head (needs catalog)" },
};
const slugParam = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } };
const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'string' }, description: 'a head version (2 or v2), or "active"' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
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
          head: { $ref: '#/components/schemas/HeadPredictions' },
        },
      },
      SearchResult: {
        type: 'object',
        required: ['id', 'score', 'title', 'catalog', 'thumbnailUrl'],
        properties: {
          id: { type: 'integer' },
          score: { type: 'number', description: 'cosine similarity, 1 = identical' },
          title: { type: 'string' },
          catalog: { type: 'string' },
          thumbnailUrl: { type: 'string' },
          topClass: { type: ['string', 'null'] },
          label: { oneOf: [{ $ref: '#/components/schemas/ItemLabel' }, { type: 'null' }], description: "the item's label under the searched catalog's active head (present only then)" },
        },
      },
      ItemLabel: {
        type: 'object',
        required: ['label', 'score', 'source'],
        properties: { label: { type: 'string' }, score: { type: 'number' }, source: { enum: ['predicted', 'confirmed'], description: 'predicted by the head, or the item’s own field value' } },
      },
      HeadPredictions: {
        type: 'object',
        description: "a catalog head's view of an image: its classes (the label field's values) and the best one's CAM box",
        properties: {
          catalog: { type: 'string' },
          version: { type: 'integer' },
          field: { type: 'string' },
          predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } },
          box: { oneOf: [{ $ref: '#/components/schemas/Box' }, { type: 'null' }] },
        },
      },
      ClassMetrics: {
        type: 'object',
        properties: {
          count: { type: 'integer' },
          accuracy: { type: 'number' },
          macroF1: { type: 'number' },
          perClass: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' }, precision: { type: 'number' }, recall: { type: 'number' }, f1: { type: 'number' }, support: { type: 'integer' } } } },
          confusion: { type: 'array', items: { type: 'array', items: { type: 'integer' } }, description: 'rows: true class, columns: predicted class, in `classes` order' },
        },
      },
      Head: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          catalog: { type: 'string' },
          version: { type: 'integer' },
          active: { type: 'boolean' },
          field: { type: 'string', description: 'the metadata field whose values are the classes' },
          classes: { type: 'array', items: { type: 'string' } },
          trainAccuracy: { type: ['number', 'null'] },
          validationAccuracy: { type: ['number', 'null'] },
          knnAccuracy: { type: ['number', 'null'], description: 'the kNN baseline on the same validation split' },
          examples: { type: ['integer', 'null'] },
          backbone: { type: 'string' },
          onnxBytes: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          confusionUrl: { type: 'string' },
        },
      },
      HeadDetail: {
        allOf: [
          { $ref: '#/components/schemas/Head' },
          {
            type: 'object',
            properties: {
              metrics: {
                type: 'object',
                properties: {
                  validation: { $ref: '#/components/schemas/ClassMetrics' },
                  knn: { oneOf: [{ allOf: [{ $ref: '#/components/schemas/ClassMetrics' }, { type: 'object', properties: { k: { type: 'integer' } } }] }, { type: 'null' }] },
                  classCounts: { type: 'object', additionalProperties: { type: 'integer' } },
                  epochs: { type: 'integer' },
                  bestEpoch: { type: 'integer' },
                  history: { type: 'array', items: { type: 'object' } },
                },
              },
              settings: { type: 'object' },
            },
          },
        ],
      },
      HeadTraining: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          catalog: { type: 'string' },
          field: { type: 'string' },
          status: { enum: ['running', 'done', 'failed', 'cancelled'] },
          phase: { enum: ['loading', 'training', 'labelling'] },
          epoch: { type: ['integer', 'null'] },
          maxEpochs: { type: ['integer', 'null'] },
          loss: { type: ['number', 'null'] },
          validationLoss: { type: ['number', 'null'] },
          validationAccuracy: { type: ['number', 'null'] },
          head: { oneOf: [{ $ref: '#/components/schemas/Head' }, { type: 'null' }] },
          error: { oneOf: [{ type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }, { type: 'null' }] },
        },
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
          label: { oneOf: [{ $ref: '#/components/schemas/ItemLabel' }, { type: 'null' }], description: "the item's label under its catalog's active head (present only then; null when unlabelled)" },
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
                properties: {
                  itemId: { type: 'integer' },
                  vector: { type: 'array', items: { type: 'number' }, minItems: 2048, maxItems: 2048 },
                  model: { type: 'string', description: "the vector's model id (GET /health → model); another model's vector is refused with 409" },
                  ...searchOptions,
                },
              },
            },
          },
        },
        responses: { 200: { description: 'results, best first', ...json({ $ref: '#/components/schemas/SearchResponse' }) }, ...errors(400, 404, 409, 413, 415, 422) },
      },
    },
    '/classify': {
      post: {
        summary: "ImageNet top-k classes; with `catalog`, also that catalog's own classes (its active head) and their CAM box",
        requestBody: imageForm({ k: { type: 'integer', default: 5 }, catalog: { type: 'string', description: 'a catalog with an active head' } }),
        responses: {
          200: {
            description: 'classes',
            ...json({ type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' }, predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } }, head: { $ref: '#/components/schemas/HeadPredictions' } } }),
          },
          ...errors(400, 404, 413, 415, 422),
        },
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
    '/catalogs/{slug}/fields': {
      parameters: [slugParam],
      get: { summary: "Metadata fields of the catalog's items that can be labels (admin)", security: admin, responses: { 200: { description: 'fields', ...json({ type: 'object', properties: { fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, items: { type: 'integer' }, values: { type: 'integer' } } } } } }) }, ...errors(401, 403, 404) } },
    },
    '/catalogs/{slug}/labels': {
      parameters: [slugParam],
      patch: {
        summary: 'Set (or clear, with null) a metadata field — a label — of one or many items (admin); confirmed under an active head on that field',
        security: admin,
        requestBody: { required: true, ...json({ type: 'object', required: ['itemIds', 'field', 'value'], properties: { itemIds: { type: 'array', items: { type: 'integer' } }, field: { type: 'string' }, value: { type: ['string', 'null'] } } }) },
        responses: { 200: { description: 'updated items', ...json({ type: 'object', properties: { updated: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, metadata: { type: 'object' } } } } } }) }, ...errors(400, 401, 403, 404, 422) },
      },
    },
    '/catalogs/{slug}/heads': {
      parameters: [slugParam],
      get: {
        summary: "The catalog's classifier heads, newest first, the active version and a running training",
        responses: { 200: { description: 'heads', ...json({ type: 'object', properties: { heads: { type: 'array', items: ref('Head') }, active: { type: ['integer', 'null'] }, training: { oneOf: [ref('HeadTraining'), { type: 'null' }] } } }) }, ...errors(404) },
      },
      post: {
        summary: "Train a head on the catalog's stored vectors, labels from a metadata field (admin); runs in the background",
        security: admin,
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['field'],
            properties: {
              field: { type: 'string' },
              seed: { type: 'integer', default: 1 },
              hidden: { type: 'integer', default: 0, description: 'a hidden ReLU layer (0: softmax regression, which also gives CAM boxes)' },
              maxEpochs: { type: 'integer', default: 200 },
              validationSplit: { type: 'number', default: 0.2 },
              minExamplesPerClass: { type: 'integer', default: 5 },
              knnK: { type: 'integer', default: 10 },
              activate: { type: 'boolean', default: true },
            },
          }),
        },
        responses: { 202: { description: 'training started: poll /catalogs/{slug}/heads/jobs/{id}', ...json(ref('HeadTraining')) }, ...errors(401, 403, 404, 409, 422) },
      },
    },
    '/catalogs/{slug}/heads/jobs/{id}': {
      parameters: [slugParam, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: { summary: 'A training’s progress (admin)', security: admin, responses: { 200: { description: 'progress', ...json(ref('HeadTraining')) }, ...errors(401, 403, 404) } },
      delete: { summary: 'Cancel a training; nothing is stored (admin)', security: admin, responses: { 200: { description: 'cancelling', ...json(ref('HeadTraining')) }, ...errors(401, 403, 404) } },
    },
    '/catalogs/{slug}/heads/{version}': {
      parameters: [slugParam, versionParam],
      get: { summary: 'A head with its metrics next to the kNN baseline, settings and training curve', responses: { 200: { description: 'head', ...json(ref('HeadDetail')) }, ...errors(404) } },
    },
    '/catalogs/{slug}/heads/{version}/activate': {
      parameters: [slugParam, versionParam],
      post: { summary: 'Make this version the active head and relabel the items (admin)', security: admin, responses: { 200: { description: 'activated', ...json(ref('Head')) }, ...errors(401, 403, 404) } },
    },
    '/catalogs/{slug}/heads/{version}/confusion': {
      parameters: [slugParam, versionParam, { name: 'format', in: 'query', schema: { enum: ['png', 'svg'], default: 'png' } }, { name: 'of', in: 'query', schema: { enum: ['head', 'knn'], default: 'head' } }],
      get: { summary: 'The validation confusion matrix as an image (rows: true class, columns: predicted)', responses: { 200: { description: 'image/png or image/svg+xml' }, ...errors(400, 404) } },
    },
    '/items/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      get: { summary: "An item with metadata, predictions and box; under its catalog's active head, its label", responses: { 200: { description: 'item', ...json({ $ref: '#/components/schemas/Item' }) }, ...errors(404) } },
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
