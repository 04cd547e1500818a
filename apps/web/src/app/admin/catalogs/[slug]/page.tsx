import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AdminGate } from '../../../../components/admin/AdminGate';
import { CatalogAdmin } from '../../../../components/admin/CatalogAdmin';

export const metadata: Metadata = { title: 'Catalog' };

export default async function CatalogPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <AdminGate>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <CatalogAdmin slug={decodeURIComponent(slug)} />
      </Suspense>
    </AdminGate>
  );
}
