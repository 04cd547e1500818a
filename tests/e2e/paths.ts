import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTS_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = join(TESTS_DIR, '..');
export const WEB_DIR = join(REPO_ROOT, 'apps', 'web');
export const FIXTURES = join(TESTS_DIR, 'fixtures');
export const SCREENSHOTS = join(TESTS_DIR, 'screenshots');
/** The admin password of the test server (a throwaway server on a temporary data directory). */
export const ADMIN_PASSWORD = 'e2e-admin-password';

export const photo = (name: string) => join(FIXTURES, 'photos', name);
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);
