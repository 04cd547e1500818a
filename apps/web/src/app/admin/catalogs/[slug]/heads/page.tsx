import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AdminGate } from '../../../../../components/admin/AdminGate';
import { HeadsAdmin } from '../../../../../components/admin/HeadsAdmin';

export const metadata: Metadata = { title: 'Classifier heads' };

export default async function HeadsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <AdminGate>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <HeadsAdmin slug={decodeURIComponent(slug)} />
      </Suspense>
    </AdminGate>
  );
}
