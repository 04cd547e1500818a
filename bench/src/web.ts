// The built web app for the sections that load it over HTTP (http, soak): build it if needed, start it on 127.0.0.1,
// measure its memory, and the multipart body of an image query.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../apps/web/test/server.ts';
import { log, REPO_ROOT } from './common.ts';

const webDir = join(REPO_ROOT, 'apps', 'web');

function buildWeb(section: string): void {
  for (let attempt = 1; attempt <= 3; attempt++) {
    log(`${section}: building the web app (attempt ${attempt})`);
    const b = spawnSync('npx', ['turbo', 'run', 'build', '--filter=@loupe/web', '--output-logs=errors-only'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' },
    });
    if (b.status === 0) return;
  }
  throw new Error('the web app does not build');
}

/**
 * The built app (`next start`, apps/web/test/server.ts). In CI the web tests have built it; otherwise it is built now.
 * A build that someone else is running (the .next folder is replaced while it runs) is waited for: start is retried.
 */
export async function startBuiltServer(section: string, env: Record<string, string>): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) {
      await new Promise((r) => setTimeout(r, 20_000)); // maybe a build in progress
      if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) buildWeb(section);
    }
    try {
      return await startServer(env);
    } catch (error) {
      if (attempt >= 4 || !/production build|BUILD_ID|ENOENT/.test(String(error))) throw error;
      log(`${section}: the server did not start (${String(error).split('\n')[0]}); retrying in 30 s`);
      await new Promise((r) => setTimeout(r, 30_000));
    }
  }
}

/** Resident memory (bytes) of a process and its descendants (the server runs `next start`'s worker processes). */
export function treeRss(pid: number): number {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  let kb = 0;
  for (const p of tree) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb * 1024;
}

export const BOUNDARY = 'loupebenchboundary';
export const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/** A multipart form (boundary BOUNDARY) with text fields and one file in the field "image". */
export function imageBody(file: { name: string; bytes: Uint8Array; type?: string }, fields: Record<string, string> = {}): Buffer<ArrayBuffer> {
  return Buffer.concat([
    ...Object.entries(fields).map(([k, v]) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'image/jpeg'}\r\n\r\n`),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}
