'use client';
import { useCallback, useEffect, useState } from 'react';
import { loupe, type ApiKey } from '../../lib/api';
import { ErrorNotice } from '../ErrorNotice';
import { AdminTable } from './AdminTable';

export function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'admin'>('read');
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await loupe.keys.list());
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="keys-heading" className="panel">
      <h2 id="keys-heading">API keys</h2>
      <p className="hint">
        For scripts: send <code>Authorization: Bearer lk_…</code>. “read” keys can search; “admin” keys can also manage
        catalogs and uploads.
      </p>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setCopied(false);
          try {
            const r = await loupe.keys.create(name, scope);
            setCreated({ key: r.key, name: r.name });
            setName('');
            await load();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <label>
          Key name
          <input
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            placeholder="nightly import"
            data-testid="new-key-name"
          />
        </label>
        <label>
          Scope
          <select
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value as 'read' | 'admin')}
            data-testid="new-key-scope"
          >
            <option value="read">read</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" className="button primary" disabled={!name}>
          Create key
        </button>
      </form>
      <ErrorNotice error={error} onDismiss={() => setError(null)} />
      {created ? (
        <div className="notice success" role="status" data-testid="new-key">
          <p>
            Key <strong>{created.name}</strong> — copy it now, it is shown only this once:
          </p>
          <p className="key-row">
            <code data-testid="new-key-value">{created.key}</code>
            <button
              type="button"
              className="button small"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.key).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" className="button small ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </p>
        </div>
      ) : null}
      <AdminTable
        testId="keys-table"
        columns={['Name', 'Key', 'Scope', 'Created', 'Last used']}
        actions
        rows={keys}
        empty="No API keys."
        row={(k) => (
          <tr key={k.id} className={k.revoked ? 'revoked' : undefined} data-testid={`key-${k.name}`}>
            <td>{k.name}</td>
            <td>
              <code>{k.prefix}…</code>
            </td>
            <td>{k.scope}</td>
            <td>{new Date(k.createdAt).toLocaleDateString()}</td>
            <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
            <td className="actions">
              {k.revoked ? (
                <span className="status-pill failed">revoked</span>
              ) : (
                <button
                  type="button"
                  className="button small danger-outline"
                  aria-label={`Revoke ${k.name}`}
                  onClick={async () => {
                    try {
                      await loupe.keys.revoke(k.id);
                      await load();
                    } catch (e) {
                      setError(e);
                    }
                  }}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </section>
  );
}
