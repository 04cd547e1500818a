// A readable rendering of the OpenAPI document: one card per operation (method, path, what it does, who may call it,
// parameters, body, responses), then the shared schemas. A server component: no JavaScript is sent for it.
import type { ReactNode } from 'react';
import './ApiReference.css';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  format?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
};
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema; description?: string };
type Content = Record<string, { schema?: Schema }>;
type Operation = {
  summary?: string;
  security?: Array<Record<string, unknown>>;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Content };
  responses?: Record<string, { description?: string; content?: Content }>;
};
type PathItem = { parameters?: Parameter[] } & Partial<Record<Method, Operation>>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type OpenApiDocument = {
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string }>;
  paths: Record<string, PathItem>;
  components?: {
    schemas?: Record<string, Schema>;
    securitySchemes?: Record<
      string,
      { type: string; in?: string; name?: string; scheme?: string; description?: string }
    >;
  };
};

const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
const refName = (ref: string) => ref.split('/').pop() ?? ref;
const anchor = (s: string) =>
  s
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();

function typeText(schema: Schema | undefined, depth = 0): ReactNode {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return <a href={`#schema-${anchor(name)}`}>{name}</a>;
  }
  if (schema.oneOf ?? schema.anyOf)
    return join(
      (schema.oneOf ?? schema.anyOf)!.map((s, i) => <span key={i}>{typeText(s, depth)}</span>),
      ' | ',
    );
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array') return <>{typeText(schema.items, depth)}[]</>;
  if (type === 'object' && schema.properties && depth < 1) {
    const entries = Object.entries(schema.properties);
    return (
      <>
        {'{ '}
        {join(
          entries.map(([k, v]) => (
            <span key={k}>
              {k}
              {schema.required?.includes(k) ? '' : '?'}: {typeText(v, depth + 1)}
            </span>
          )),
          ', ',
        )}
        {' }'}
      </>
    );
  }
  return `${type ?? 'any'}${schema.format ? ` (${schema.format})` : ''}`;
}

/** Descriptions use Markdown's `code` spans; show them as code. */
function inline(text: string | undefined): ReactNode {
  if (!text) return null;
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part));
}

function join(nodes: ReactNode[], sep: string): ReactNode[] {
  return nodes.flatMap((n, i) => (i === 0 ? [n] : [sep, n]));
}

function constraints(s: Schema | undefined): string {
  if (!s) return '';
  const parts: string[] = [];
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  return parts.join(', ');
}

function FieldTable({
  rows,
  caption,
}: {
  rows: Array<{ name: string; where?: string; required?: boolean; schema?: Schema; description?: string }>;
  caption: string;
}) {
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="fields">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.where}-${r.name}`}>
              <td>
                <code>{r.name}</code>
                {r.required ? (
                  <span className="req" title="required">
                    {' '}
                    *
                  </span>
                ) : null}
                {r.where ? <span className="muted small"> {r.where}</span> : null}
              </td>
              <td>
                <code>{typeText(r.schema)}</code>
              </td>
              <td>
                {inline([r.description ?? r.schema?.description, constraints(r.schema)].filter(Boolean).join(' · '))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Body({ content }: { content: Content }) {
  return (
    <>
      {Object.entries(content).map(([type, { schema }]) => {
        const props = schema?.properties;
        return (
          <div key={type} className="body-type">
            <p className="small">
              <span className="tag">{type}</span>
            </p>
            {props ? (
              <FieldTable
                caption={`${type} fields`}
                rows={Object.entries(props).map(([name, s]) => ({
                  name,
                  required: schema?.required?.includes(name),
                  schema: s,
                }))}
              />
            ) : (
              <p>
                <code>{typeText(schema)}</code>
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}

function example(method: Method, path: string, op: Operation, base: string): string {
  const url = `$LOUPE_URL${base}${path.replace(/\{(\w+)\}/g, (_, p: string) => (p === 'id' ? '1' : p === 'slug' ? 'demo' : p === 'file' ? 'labels.json' : p))}`;
  const auth = op.security?.length ? ' -H "Authorization: Bearer $LOUPE_KEY"' : '';
  const content = op.requestBody?.content ?? {};
  if (content['multipart/form-data']) {
    const field = content['multipart/form-data'].schema?.properties?.files ? 'files=@photos.zip' : 'image=@photo.jpg';
    return `curl${auth} -F ${field} ${url}`;
  }
  if (content['application/json']) {
    const body =
      path === '/search'
        ? '{"itemId":1,"k":12}'
        : path === '/catalogs'
          ? '{"slug":"shoes","name":"Shoes"}'
          : path === '/auth/login'
            ? '{"password":"…"}'
            : path === '/keys'
              ? '{"name":"ci","scope":"read"}'
              : '{"name":"…"}';
    return `curl${auth} -X ${method.toUpperCase()} -H 'content-type: application/json' -d '${body}' ${url}`;
  }
  return `curl${auth}${method === 'get' ? '' : ` -X ${method.toUpperCase()}`} ${url}`;
}

export function ApiReference({ doc }: { doc: OpenApiDocument }) {
  const base = doc.servers?.[0]?.url ?? '';
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m]!, shared: item.parameters ?? [] })),
  );
  return (
    <div className="page api-doc">
      <div className="page-head">
        <h1>
          {doc.info.title} <span className="muted small">v{doc.info.version}</span>
        </h1>
        <a className="button" href={`${base}/openapi.json`}>
          OpenAPI JSON
        </a>
      </div>
      <p className="lead">{inline(doc.info.description)}</p>
      <p>
        Base URL: <code>{base}</code>. Admin routes (marked <span className="lock">admin</span>) need the session cookie
        of a signed-in admin or an API key with the admin scope; the examples use <code>$LOUPE_URL</code> and{' '}
        <code>$LOUPE_KEY</code>.
      </p>

      <nav aria-label="Operations" className="panel toc">
        <h2>Operations</h2>
        <ul className="plain">
          {operations.map(({ path, method }) => (
            <li key={`${method}-${path}`}>
              <a href={`#op-${method}-${anchor(path)}`}>
                <span className={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      {operations.map(({ path, method, op, shared }) => {
        const params = [...shared, ...(op.parameters ?? [])];
        const restricted = op.security?.length;
        return (
          <section
            key={`${method}-${path}`}
            id={`op-${method}-${anchor(path)}`}
            className="panel operation"
            aria-labelledby={`h-${method}-${anchor(path)}`}
          >
            <h2 id={`h-${method}-${anchor(path)}`}>
              <span className={`method ${method}`}>{method.toUpperCase()}</span> <code>{`${base}${path}`}</code>
              {restricted ? (
                <span className="lock" title={op.security!.map((s) => Object.keys(s).join('+')).join(' or ')}>
                  {op.security!.some((s) => 'apiKey' in s) ? 'admin' : 'signed-in admin'}
                </span>
              ) : null}
            </h2>
            {op.summary ? <p>{inline(op.summary)}</p> : null}
            <FieldTable
              caption="Parameters"
              rows={params.map((p) => ({
                name: p.name,
                where: `in ${p.in}`,
                required: p.required,
                schema: p.schema,
                description: p.description,
              }))}
            />
            {op.requestBody?.content ? (
              <>
                <h3>Request body{op.requestBody.required ? '' : ' (optional)'}</h3>
                <Body content={op.requestBody.content} />
              </>
            ) : null}
            <h3>Responses</h3>
            <ul className="responses">
              {Object.entries(op.responses ?? {}).map(([code, r]) => {
                const schema = r.content?.['application/json']?.schema;
                return (
                  <li key={code}>
                    <span className={`code c${code[0]}`}>{code}</span> {r.description}
                    {schema && !code.startsWith('4') && !code.startsWith('5') ? (
                      <>
                        {' '}
                        → <code>{typeText(schema)}</code>
                      </>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            <pre className="example">
              <code>{example(method, path, op, base)}</code>
            </pre>
          </section>
        );
      })}

      <section className="panel" aria-labelledby="schemas-heading">
        <h2 id="schemas-heading">Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <div key={name} id={`schema-${anchor(name)}`} className="schema">
            <h3>{name}</h3>
            {schema.properties ? (
              <FieldTable
                caption={`${name} fields`}
                rows={Object.entries(schema.properties).map(([k, s]) => ({
                  name: k,
                  required: schema.required?.includes(k),
                  schema: s,
                }))}
              />
            ) : (
              <code>{typeText(schema)}</code>
            )}
          </div>
        ))}
      </section>
    </div>
  );
}
