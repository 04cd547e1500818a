// The wire format's own tests: the generated OpenAPI document is well formed and complete, and the schemas accept
// what the server sends and refuse what it must not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DetectOptions, DetectResponse, Item, openApiDocument, routeFor, routes, SearchAnswer, SearchJson, SearchOptions, SearchResponse } from '../src/index.ts';

describe('@loupe/api', () => {
  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };

  it('generates an OpenAPI 3.1 document with every route, and every $ref resolves', () => {
    assert.equal(doc.openapi, '3.1.0');
    for (const r of routes) assert.ok(doc.paths[r.path]?.[r.method], `${r.method} ${r.path} missing`);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 50);
    for (const ref of new Set(refs)) assert.ok(doc.components.schemas[ref], `dangling $ref ${ref}`);
    assert.ok(doc.paths['/search']!.post!.responses['410'], 'an expired cursor is documented');
  });

  it('finds the route of a concrete path, literal segments first', () => {
    assert.equal(routeFor('GET', '/api/v1/items/12')?.path, '/items/{id}');
    assert.equal(routeFor('GET', '/catalogs/zoo/heads/jobs/abc')?.path, '/catalogs/{slug}/heads/jobs/{id}');
    assert.equal(routeFor('GET', '/catalogs/zoo/heads/active')?.path, '/catalogs/{slug}/heads/{version}');
    assert.equal(routeFor('PUT', '/catalogs'), undefined);
  });

  it('parses search options from multipart strings and from JSON alike', () => {
    assert.deepEqual(SearchOptions.parse({ k: '5', exact: 'true', box: '1,2,30,40', catalog: 'zoo' }), { k: 5, exact: true, box: { x0: 1, y0: 2, x1: 30, y1: 40 }, catalog: 'zoo' });
    assert.deepEqual(SearchJson.parse({ itemId: 3, k: 7 }), { itemId: 3, k: 7, exact: false });
    assert.throws(() => SearchOptions.parse({ k: '0' }));
    assert.throws(() => SearchOptions.parse({ box: '1,2,3' }), /x0,y0,x1,y1/);
    assert.throws(() => SearchJson.parse({ vector: [1, 2, 3] }), /2048 values/);
  });

  it('response schemas are strict: a missing or an unknown field is drift', () => {
    const item = {
      id: 1, catalog: 'c', externalId: null, title: 't', metadata: { a: 1 }, width: 2, height: 3, mimeType: 'image/jpeg', sizeBytes: 4,
      sourceName: 's.jpg', createdAt: '2026-12-07T03:00:00.000Z', predictions: [{ classId: 1, label: 'x', score: 0.5 }], boxes: [],
      objects: [{ label: 'cat', classId: 15, score: 0.9, box: { x0: 0, y0: 0, x1: 2, y1: 3 } }], thumbnailUrl: '/t', imageUrl: '/i',
    };
    assert.ok(Item.safeParse(item).success);
    assert.ok(Item.safeParse({ ...item, label: null }).success);
    assert.ok(!Item.safeParse({ ...item, surprise: 1 }).success);
    const { title: _t, ...withoutTitle } = item;
    assert.ok(!Item.safeParse(withoutTitle).success);
    assert.ok(!SearchResponse.safeParse({ query: null, results: [], tookMs: 1 }).success, 'nextCursor is required');
    // A search by object answers per query object, each result with the matched object's region.
    const result = { id: 1, score: 0.9, match: 'same', title: 't', catalog: 'c', thumbnailUrl: '/t', width: 4, height: 4, topClass: null, topClassScore: null, objectLabels: [] };
    const object = { label: 'cat', classId: 15, score: 0.8, box: { x0: 0, y0: 0, x1: 2, y1: 3 } };
    const answer = { width: 4, height: 4, objects: [{ object, results: [{ ...result, region: { x0: 0, y0: 0, x1: 1, y1: 1, label: 'cat' } }] }], tookMs: 3 };
    assert.ok(SearchAnswer.safeParse(answer).success);
    const { objectLabels: _o, ...withoutObjectLabels } = result;
    assert.ok(!SearchAnswer.safeParse({ ...answer, objects: [{ object, results: [{ ...withoutObjectLabels, region: answer.objects[0]!.results[0]!.region }] }] }).success, 'what the item shows is always said');
    assert.ok(!SearchAnswer.safeParse({ ...answer, objects: [{ object, results: [result] }] }).success, 'an object result names its region');
    // The same image in other searched catalogs: listed with the result, never as an empty list.
    const copy = { id: 2, catalog: 'archive', externalId: 'sku-1', title: 't' };
    const page = (r: object) => SearchResponse.safeParse({ query: null, results: [r], nextCursor: null, tookMs: 1 }).success;
    assert.ok(page({ ...result, alsoIn: [copy] }));
    assert.ok(!page({ ...result, alsoIn: [] }), 'no copies: alsoIn is absent');
    assert.ok(!page({ ...result, alsoIn: [{ ...copy, score: 1 }] }));
    assert.ok(SearchAnswer.safeParse({ ...answer, objects: [{ object, results: [{ ...answer.objects[0]!.results[0]!, alsoIn: [copy] }] }] }).success);
  });

  it("detect: masks=true parses from a form or query string; an object's mask is COCO RLE or absent", () => {
    assert.deepEqual(DetectOptions.parse({ masks: 'true', minScore: '0.5' }), { masks: true, minScore: 0.5 });
    assert.deepEqual(DetectOptions.parse({ masks: 'false' }), { masks: false });
    assert.throws(() => DetectOptions.parse({ masks: 'maybe' }));
    const object = { label: 'cat', classId: 15, score: 0.9, box: { x0: 1, y0: 0, x1: 2, y1: 2 } };
    const ok = (mask?: unknown) => DetectResponse.safeParse({ width: 3, height: 2, objects: [mask === undefined ? object : { ...object, mask }] }).success;
    assert.ok(ok());
    assert.ok(ok({ size: [2, 3], counts: [2, 2, 2] }));
    assert.ok(!ok({ size: [2, 3], counts: [2, -1] }), 'counts are non-negative');
    assert.ok(!ok({ size: [2], counts: [6] }), 'size is [height, width]');
    assert.ok(!ok({ size: [2, 3], counts: 'aaa' }), 'the compressed string form is not what the API sends');
    const properties = (doc.components.schemas.DetectedObject as { properties: Record<string, unknown> }).properties;
    assert.ok(properties.mask, 'the OpenAPI document shows the mask');
  });
});
