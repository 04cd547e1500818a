// A small typed client over fetch. Works in Node ≥ 20 and browsers. Errors are LoupeApiError with the server's code.
import type {
  ApiKeyInfo,
  Catalog,
  CatalogChanges,
  CatalogObjects,
  ClassifyResponse,
  DetectResponse,
  EmbedResponse,
  Head,
  HeadDetail,
  HeadTraining,
  Health,
  ImageUpload,
  Item,
  Job,
  JobDetail,
  LocalizeResponse,
  MetadataField,
  ReindexState,
  SearchOptions,
  ObjectSearchResponse,
  SearchResponse,
  Session,
  Stats,
  TrainHeadOptions,
} from './types.ts';

export class LoupeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'LoupeApiError';
  }
}

export interface LoupeClientOptions {
  /** The app's origin, e.g. "http://localhost:3000". */
  baseUrl: string;
  /** An API key (lk_…); sent as `Authorization: Bearer`. */
  apiKey?: string;
  fetch?: typeof fetch;
}

function toBlob(image: ImageUpload): { blob: Blob; name: string } {
  if (typeof Blob !== 'undefined' && image instanceof Blob) return { blob: image, name: (image as File).name ?? 'image' };
  if (image instanceof ArrayBuffer) return { blob: new Blob([image]), name: 'image' };
  if (image instanceof Uint8Array) return { blob: new Blob([image as BlobPart]), name: 'image' };
  const { data, name } = image as { data: Uint8Array | Blob; name: string };
  return { blob: data instanceof Blob ? data : new Blob([data as BlobPart]), name };
}

function optionFields(form: FormData, options: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || value === null) continue;
    if (key === 'box') {
      const b = value as SearchOptions['box'];
      form.set('box', `${b!.x0},${b!.y0},${b!.x1},${b!.y1}`);
    } else form.set(key, String(value));
  }
}

export class LoupeClient {
  readonly #base: string;
  readonly #fetch: typeof fetch;
  #apiKey: string | undefined;
  #cookie: string | undefined;

  constructor(options: LoupeClientOptions) {
    this.#base = options.baseUrl.replace(/\/$/, '') + '/api/v1';
    this.#apiKey = options.apiKey;
    // Browsers throw "Illegal invocation" when fetch is called as a method of another object: bind it to the global.
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  #authHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (this.#cookie) {
      headers.cookie = this.#cookie;
      headers.origin = new URL(this.#base).origin; // a session's writes must show they come from the site itself
    }
    return headers;
  }

  async #request<T>(method: string, path: string, body?: BodyInit | object, expect: number[] = [200]): Promise<T> {
    const headers = this.#authHeaders();
    let payload: BodyInit | undefined;
    if (body instanceof FormData || typeof body === 'string' || body instanceof Blob) payload = body as BodyInit;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await this.#send(method, this.#base + path, { method, headers, body: payload });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.#cookie = setCookie.split(';')[0];
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!expect.includes(response.status)) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new LoupeApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? (text.slice(0, 200) || response.statusText));
    }
    return json as T;
  }

  /**
   * One request; a GET that fails at the connection (no response: e.g. a kept-alive socket the server closed just as
   * it was reused) is sent once more, as HTTP allows for idempotent requests. Other methods are never repeated.
   */
  async #send(method: string, url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(url, init);
    } catch (error) {
      if (method !== 'GET' || !(error instanceof TypeError)) throw error;
      return this.#fetch(url, init);
    }
  }

  #imageForm(image: ImageUpload, options: Record<string, unknown> = {}): FormData {
    const form = new FormData();
    const { blob, name } = toBlob(image);
    form.set('image', blob, name);
    optionFields(form, options);
    return form;
  }

  health(): Promise<Health> {
    return this.#request('GET', '/health', undefined, [200, 503]);
  }

  /** Search by an image (optionally a `box` region of it). */
  search(image: ImageUpload, options: SearchOptions = {}): Promise<SearchResponse> {
    return this.#request('POST', '/search', this.#imageForm(image, { ...options }));
  }

  /**
   * Search by object: the image's objects (as `detect` finds them), each with the catalog items holding the most
   * similar objects — one result per item, with the matched object's box in that item's pixels as `region`.
   */
  searchByObjects(image: ImageUpload, options: Omit<SearchOptions, 'cursor'> = {}): Promise<ObjectSearchResponse> {
    return this.#request('POST', '/search', this.#imageForm(image, { ...options, objects: true }));
  }

  /**
   * The next page of any search, from its `nextCursor`: the server kept the query (for 15 minutes), so nothing is
   * uploaded or analysed again. An expired cursor is a 410 (CURSOR_EXPIRED): search again.
   */
  searchMore(cursor: string, options: { k?: number } = {}): Promise<SearchResponse> {
    return this.#request('POST', '/search', { cursor, ...options });
  }

  /** More like this: the neighbours of an indexed item. */
  searchByItem(itemId: number, options: Omit<SearchOptions, 'box'> = {}): Promise<SearchResponse> {
    return this.#request('POST', '/search', { itemId, ...options });
  }

  /**
   * Search with a 2048-d vector computed elsewhere (in-browser mode). Pass the vector's `model` id (the server's is
   * in `health().model`) and a vector of another model or pooling is refused (409) instead of matching noise.
   */
  searchByVector(vector: ArrayLike<number>, options: Omit<SearchOptions, 'box'> & { model?: string } = {}): Promise<SearchResponse> {
    return this.#request('POST', '/search', { vector: Array.from(vector), ...options });
  }

  /** ImageNet classes; with `catalog`, also that catalog's own classes (its active head) and their CAM box. */
  classify(image: ImageUpload, options: { k?: number; box?: SearchOptions['box']; catalog?: string } = {}): Promise<ClassifyResponse> {
    return this.#request('POST', '/classify', this.#imageForm(image, options));
  }

  localize(image: ImageUpload, options: { heatmap?: boolean; box?: SearchOptions['box']; objects?: boolean } = {}): Promise<LocalizeResponse> {
    return this.#request(
      'POST',
      '/localize',
      this.#imageForm(image, { box: options.box, heatmap: options.heatmap ? '1' : undefined, objects: options.objects === undefined ? undefined : String(options.objects) }),
    );
  }

  /**
   * Every object in the image: COCO label, score and box in original pixels (objects below `minScore`, default 0.3,
   * dropped); with `masks`, each object's `mask` (COCO uncompressed RLE over the whole image).
   */
  detect(image: ImageUpload, options: { minScore?: number; box?: SearchOptions['box']; masks?: boolean } = {}): Promise<DetectResponse> {
    return this.#request('POST', '/detect', this.#imageForm(image, options));
  }

  embed(image: ImageUpload, options: { box?: SearchOptions['box'] } = {}): Promise<EmbedResponse> {
    return this.#request('POST', '/embed', this.#imageForm(image, options));
  }

  readonly catalogs = {
    list: async (): Promise<Catalog[]> => (await this.#request<{ catalogs: Catalog[] }>('GET', '/catalogs')).catalogs,
    get: (slug: string): Promise<Catalog> => this.#request('GET', `/catalogs/${encodeURIComponent(slug)}`),
    /** `objects`: "boxes" (default), "masks" or "off" — what ingest finds in its items besides their class. */
    create: (slug: string, options: { name?: string; objects?: CatalogObjects } = {}): Promise<Catalog> =>
      this.#request('POST', '/catalogs', { slug, ...options }, [201]),
    /** A new name and/or objects setting (the latter applies to items ingested or reindexed from then on). */
    update: (slug: string, changes: CatalogChanges): Promise<Catalog> => this.#request('PATCH', `/catalogs/${encodeURIComponent(slug)}`, changes),
    delete: (slug: string): Promise<{ deleted: string; items: number }> => this.#request('DELETE', `/catalogs/${encodeURIComponent(slug)}`),
  };

  readonly items = {
    list: (slug: string, options: { limit?: number; cursor?: number | null; classId?: number } = {}): Promise<{ items: Item[]; nextCursor: number | null }> => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== null) q.set(k, String(v));
      return this.#request('GET', `/catalogs/${encodeURIComponent(slug)}/items${q.size ? `?${q}` : ''}`);
    },
    get: (id: number): Promise<Item> => this.#request('GET', `/items/${id}`),
    delete: (id: number): Promise<{ deleted: number }> => this.#request('DELETE', `/items/${id}`),
    /** Uploads images, one zip, or a manifest with its images; the server ingests them in the background. */
    upload: (slug: string, files: ImageUpload[]): Promise<Job> => {
      const form = new FormData();
      for (const f of files) {
        const { blob, name } = toBlob(f);
        form.append('files', blob, name);
      }
      return this.#request('POST', `/catalogs/${encodeURIComponent(slug)}/items`, form, [202]);
    },
  };

  /** A catalog's own classifier heads: train on the stored features, watch progress, read metrics, activate. */
  readonly heads = {
    list: (slug: string): Promise<{ heads: Head[]; active: number | null; training: HeadTraining | null }> => this.#request('GET', `/catalogs/${encodeURIComponent(slug)}/heads`),
    /** Starts a training (admin); poll it with `training` or `waitForTraining`. Refusals come back at once (422). */
    train: (slug: string, options: TrainHeadOptions): Promise<HeadTraining> => this.#request('POST', `/catalogs/${encodeURIComponent(slug)}/heads`, options, [202]),
    training: (slug: string, id: string): Promise<HeadTraining> => this.#request('GET', `/catalogs/${encodeURIComponent(slug)}/heads/jobs/${encodeURIComponent(id)}`),
    cancel: (slug: string, id: string): Promise<HeadTraining> => this.#request('DELETE', `/catalogs/${encodeURIComponent(slug)}/heads/jobs/${encodeURIComponent(id)}`),
    /** Polls a training until it is done, failed or cancelled. */
    waitForTraining: async (slug: string, id: string, options: { intervalMs?: number; timeoutMs?: number; onProgress?: (t: HeadTraining) => void } = {}): Promise<HeadTraining> => {
      const deadline = Date.now() + (options.timeoutMs ?? 600_000);
      for (;;) {
        const t = await this.heads.training(slug, id);
        options.onProgress?.(t);
        if (t.status !== 'running' && t.status !== 'queued') return t;
        if (Date.now() > deadline) throw new Error(`training ${id} still running after ${options.timeoutMs ?? 600_000} ms`);
        await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
      }
    },
    /** A version's metrics (head and kNN baseline), settings and training curve; `'active'` for the active head. */
    get: (slug: string, version: number | 'active'): Promise<HeadDetail> => this.#request('GET', `/catalogs/${encodeURIComponent(slug)}/heads/${version}`),
    activate: (slug: string, version: number): Promise<Head & { labelled: number }> => this.#request('POST', `/catalogs/${encodeURIComponent(slug)}/heads/${version}/activate`),
    /** The validation confusion matrix image (PNG bytes, or SVG text with format 'svg'). */
    confusion: async (slug: string, version: number | 'active', options: { format?: 'png' | 'svg'; of?: 'head' | 'knn' } = {}): Promise<Uint8Array> => {
      const q = new URLSearchParams({ format: options.format ?? 'png', of: options.of ?? 'head' });
      const response = await this.#fetch(`${this.#base}/catalogs/${encodeURIComponent(slug)}/heads/${version}/confusion?${q}`, { headers: this.#authHeaders() });
      if (!response.ok) {
        const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
        throw new LoupeApiError(response.status, body?.error?.code ?? 'HTTP_ERROR', body?.error?.message ?? response.statusText);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
    /** Metadata fields that can be labels (admin). */
    fields: async (slug: string): Promise<MetadataField[]> => (await this.#request<{ fields: MetadataField[] }>('GET', `/catalogs/${encodeURIComponent(slug)}/fields`)).fields,
  };

  /** Sets (or clears, with null) the label field of one or many items (admin). */
  setLabels(slug: string, itemIds: number[], field: string, value: string | null): Promise<{ updated: Array<{ id: number; metadata: Record<string, unknown> }> }> {
    return this.#request('PATCH', `/catalogs/${encodeURIComponent(slug)}/labels`, { itemIds, field, value });
  }

  readonly jobs = {
    /** Recent jobs of every kind (ingest, reindex, head training), newest first. */
    list: async (options: { catalog?: string; kind?: Job['kind']; limit?: number } = {}): Promise<Job[]> => {
      const query = new URLSearchParams(Object.entries(options).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
      return (await this.#request<{ jobs: Job[] }>('GET', `/jobs${query.size > 0 ? `?${query}` : ''}`)).jobs;
    },
    get: (id: number): Promise<JobDetail> => this.#request('GET', `/jobs/${id}`),
    /** Polls a job until it is finished. */
    wait: async (id: number, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<JobDetail> => {
      const deadline = Date.now() + (options.timeoutMs ?? 600_000);
      for (;;) {
        const job = await this.jobs.get(id);
        if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') return job;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${options.timeoutMs ?? 600_000} ms`);
        await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
      }
    },
  };

  reindex(options: { catalog?: string; all?: boolean } = {}): Promise<ReindexState> {
    return this.#request('POST', '/reindex', options, [202]);
  }

  /** The state of the last reindex (admin). */
  reindexState(): Promise<ReindexState> {
    return this.#request('GET', '/reindex');
  }

  /** Whether this client is a signed-in admin (or holds an admin key), and whether sign-in is enabled. */
  session(): Promise<Session> {
    return this.#request('GET', '/auth/session');
  }

  stats(): Promise<Stats> {
    return this.#request('GET', '/stats');
  }

  /** Signs in as admin; later calls from this client carry the session cookie. */
  async login(password: string): Promise<void> {
    await this.#request('POST', '/auth/login', { password });
  }

  async logout(): Promise<void> {
    await this.#request('POST', '/auth/logout');
    this.#cookie = undefined;
  }

  readonly keys = {
    list: async (): Promise<ApiKeyInfo[]> => (await this.#request<{ keys: ApiKeyInfo[] }>('GET', '/keys')).keys,
    create: (name: string, scope: 'read' | 'admin'): Promise<ApiKeyInfo & { key: string }> => this.#request('POST', '/keys', { name, scope }, [201]),
    revoke: (id: number): Promise<{ revoked: number }> => this.#request('DELETE', `/keys/${id}`),
  };

  /** A client with the same server and another API key (or none). */
  withApiKey(apiKey: string | undefined): LoupeClient {
    return new LoupeClient({ baseUrl: this.#base.slice(0, -'/api/v1'.length), apiKey, fetch: this.#fetch });
  }
}
