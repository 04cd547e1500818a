// Runs before routing: a path that is not valid percent-encoding (e.g. `/api/v1/catalogs/%E0%A4%A`) would make the
// router fail with a 500 while decoding route parameters; it is the client's fault, so it gets a 400 here.
import { NextResponse, type NextRequest } from 'next/server';

export function proxy(request: NextRequest): NextResponse {
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return NextResponse.json({ error: { code: 'BAD_REQUEST', message: 'the URL path is not valid percent-encoding' } }, { status: 400 });
  }
  return NextResponse.next();
}
