import { serveItemFile } from '../../../../../../server/files';

export const dynamic = 'force-dynamic';

/** The item's WebP thumbnail (long side 256 px). Immutable: the URL's content never changes. */
export const GET = serveItemFile('thumbnail');
