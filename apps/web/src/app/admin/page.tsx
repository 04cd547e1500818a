import type { Metadata } from 'next';
import { AdminGate } from '../../components/admin/AdminGate';
import { Dashboard } from '../../components/admin/Dashboard';

export const metadata: Metadata = { title: 'Admin' };

export default function AdminPage() {
  return (
    <AdminGate>
      <Dashboard />
    </AdminGate>
  );
}
