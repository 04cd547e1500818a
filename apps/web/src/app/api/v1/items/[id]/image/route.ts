import { serveItemFile } from '../../../../../../server/files';

export const dynamic = 'force-dynamic';

/** The item's original image. */
export const GET = serveItemFile('original');
