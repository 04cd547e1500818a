// Real data that Debian packages ship (FACTS.md): fetched with `apt-get download` and unpacked with `dpkg-deb -x` into
// a cache folder, so nothing is installed system-wide and nothing comes from outside the package repositories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Unpacks Debian package `pkg` under `root` (once: a marker file records it) and returns `root`. */
export function extractDebianPackage(pkg: string, root: string, log?: (line: string) => void): string {
  const marker = join(root, `.${pkg}.unpacked`);
  if (existsSync(marker)) return root;
  mkdirSync(root, { recursive: true });
  const download = () => execFileSync('apt-get', ['download', pkg], { cwd: root, stdio: 'pipe' });
  log?.(`fetching Debian package ${pkg} into ${root}`);
  try {
    download();
  } catch {
    // A fresh machine may have no package lists yet.
    execFileSync('apt-get', ['update'], { stdio: 'pipe' });
    download();
  }
  const deb = readdirSync(root).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg} wrote no .deb file`);
  execFileSync('dpkg-deb', ['-x', join(root, deb), root], { stdio: 'pipe' });
  rmSync(join(root, deb));
  writeFileSync(marker, '');
  return root;
}
