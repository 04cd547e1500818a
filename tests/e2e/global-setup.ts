// Builds the web app once (unless a build newer than every source is there, e.g. from `turbo run test`), starts it on
// a free port with a fresh data directory and the demo catalog, and waits until the demo photos are indexed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { ADMIN_PASSWORD, FIXTURES, REPO_ROOT, TESTS_DIR, WEB_DIR } from './paths';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '.next' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** The build is fresh when BUILD_ID is newer than the app's and the packages' sources, and the wasm runtime is there. */
function buildIsFresh(): boolean {
  const buildId = join(WEB_DIR, '.next', 'BUILD_ID');
  if (!existsSync(buildId) || !existsSync(join(WEB_DIR, 'public', 'ort', 'ort-wasm-simd-threaded.jsep.wasm')))
    return false;
  const built = statSync(buildId).mtimeMs;
  const sources = [join(WEB_DIR, 'src'), join(WEB_DIR, 'next.config.ts'), join(WEB_DIR, 'package.json')];
  for (const pkg of readdirSync(join(REPO_ROOT, 'packages'))) sources.push(join(REPO_ROOT, 'packages', pkg, 'src'));
  return sources.every((s) => newestMtime(s) < built);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = Date.now();
  if (process.env.E2E_SKIP_BUILD !== '1' && !buildIsFresh()) {
    console.log('▸ building the web app (next build)…');
    const build = spawnSync('npm', ['run', 'build', '-w', '@loupe/web'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
  }

  const port = await getPort({ host: '127.0.0.1' });
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-'));
  const nextBin = createRequire(join(WEB_DIR, 'package.json')).resolve('next/dist/bin/next');
  const server = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1', '--keepAliveTimeout', '65000'], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: '',
      LOUPE_DATA_DIR: dataDir,
      LOUPE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOUPE_DEMO_SOURCE: join(FIXTURES, 'photos'),
      LOUPE_DEVICE: process.env.LOUPE_DEVICE ?? 'cpu',
      LOUPE_LOG_LEVEL: 'warn',
      // One browser on one address runs the whole suite, and every search of the page is 2–3 queries (search, its
      // objects, the heatmap): the per-IP limit stays on, above what the suite sends in a minute (its own test is in
      // apps/web/test/security.test.ts).
      LOUPE_QUERY_RATE_PER_MINUTE: '600',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    mkdirSync(join(TESTS_DIR, 'test-results'), { recursive: true });
    writeFileSync(join(TESTS_DIR, 'test-results', 'server.log'), output);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const fail = async (message: string) => {
    await stop();
    throw new Error(`${message}\n--- server output ---\n${output.slice(-4000)}`);
  };

  // Healthy: the model is loaded and the index caught up.
  for (let deadline = Date.now() + 120_000; ; await sleep(250)) {
    if (server.exitCode !== null) await fail(`next start exited with ${server.exitCode}`);
    const status = await fetch(`${url}/api/v1/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) await fail('the server did not become healthy within 120 s');
  }
  // The demo catalog's ingest job (queued on first start) has finished.
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: ADMIN_PASSWORD }),
  });
  if (!login.ok) await fail(`admin sign-in failed: HTTP ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  for (let deadline = Date.now() + 180_000; ; await sleep(500)) {
    // A reused keep-alive socket can be reset while the ingest keeps the server busy: that poll is simply retried.
    const page = (await fetch(`${url}/api/v1/jobs`, { headers: { cookie } }).then(
      (r) => r.json(),
      () => null,
    )) as { jobs: Array<{ status: string; added: number; catalog: string }> } | null;
    const demo = page?.jobs.find((j) => j.catalog === 'demo');
    if (demo?.status === 'done') break;
    if (demo && demo.status !== 'queued' && demo.status !== 'running')
      await fail(`the demo ingest job ended as ${demo.status}`);
    if (Date.now() > deadline) await fail('the demo catalog was not indexed within 180 s');
  }

  process.env.E2E_BASE_URL = url;
  console.log(`▸ Loupe at ${url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return stop;
}
