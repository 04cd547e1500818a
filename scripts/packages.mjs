#!/usr/bin/env node
// The publishable packages (every workspace package without "private": true), kept at one version.
//   node scripts/packages.mjs list                 # their names and versions
//   node scripts/packages.mjs pack <dir>           # npm pack each into <dir>; prints the tarball paths as JSON
//   node scripts/packages.mjs version <x.y.z>      # sets that version on all of them (and on ranges that name them)
// Packing runs each package's prepack (its tsc build into dist/).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifests = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name, 'package.json')))
  .filter((file) => existsSync(file))
  .map((file) => ({ file, json: JSON.parse(readFileSync(file, 'utf8')) }));
const publishable = manifests.filter((m) => !m.json.private);

const [command, arg] = process.argv.slice(2);
if (command === 'list') {
  for (const { json } of publishable) console.log(`${json.name}@${json.version}`);
} else if (command === 'pack' && arg) {
  const dest = resolve(arg);
  mkdirSync(dest, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', dest, ...publishable.flatMap(({ json }) => ['-w', json.name])];
  const packed = JSON.parse(
    execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  console.log(
    JSON.stringify(
      packed.map((p) => ({ name: p.name, version: p.version, tarball: join(dest, p.filename), files: p.entryCount })),
    ),
  );
} else if (command === 'version' && /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(arg ?? '')) {
  const names = new Set(publishable.map(({ json }) => json.name));
  for (const { file, json } of manifests) {
    let changed = false;
    if (names.has(json.name)) {
      json.version = arg;
      changed = true;
    }
    for (const field of ['dependencies', 'peerDependencies']) {
      for (const dep of Object.keys(json[field] ?? {})) {
        if (!names.has(dep) || json[field][dep] === '*') continue; // "*": a workspace link, any version
        json[field][dep] = `^${arg}`;
        changed = true;
      }
    }
    if (changed) writeFileSync(file, JSON.stringify(json, null, 2) + '\n');
  }
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts'], { cwd: root, stdio: 'inherit' });
  console.log(`${[...names].join(', ')} → ${arg}`);
} else {
  console.error('usage: node scripts/packages.mjs list | pack <dir> | version <x.y.z>');
  process.exit(2);
}
