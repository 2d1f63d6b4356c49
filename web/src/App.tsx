import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useAuth } from './auth/AuthContext';
import { LoginPage } from './auth/LoginPage';
import { ChangePasswordPage } from './auth/ChangePasswordPage';
import { AppShell } from './shell/AppShell';
import { ListPage } from './lists/ListPage';
import { RecordPage } from './records/RecordPage';
import { MyDay } from './myday/MyDay';
import { CasesPage } from './cases/CasesPage';
import { MyFeedPage } from './team/MyFeedPage'; // issue 5: team selling
import { ImportsPage } from './imports/ImportsPage'; // issue 4: import wizard
import { CallListPage } from './campaigns/CallListPage'; // issue 4: campaigns

// The board (with dnd-kit) and the admin pages load on first use: the first
// screen a rep opens downloads less.
const PipelineBoard = lazy(() => import('./pipeline/PipelineBoard').then((m) => ({ default: m.PipelineBoard })));
const AdminPage = lazy(() => import('./admin/AdminPage').then((m) => ({ default: m.AdminPage })));
import { LIST_OBJECTS } from './lib/objects';

export function App() {
  const { state } = useAuth();
  if (state.status === 'loading') return <div className="boot" aria-busy="true" />;
  if (state.status === 'signed_out') return <LoginPage notice={state.notice} />;
  if (state.status === 'must_change_password') return <ChangePasswordPage knownCurrent={state.currentPassword} />;
  return (
    <AppShell>
      <Suspense fallback={<div className="page" aria-busy="true" />}>
      <Routes>
        <Route path="/" element={<Navigate to="/my-day" replace />} />
        <Route path="/my-day" element={<MyDay />} />
        <Route path="/cases" element={<CasesPage />} />
        <Route path="/cases/all" element={<ListPage key="cases" object="cases" />} />
        {LIST_OBJECTS.map((o) => [
          o === 'cases' ? null : <Route key={o} path={`/${o}`} element={<ListPage key={o} object={o} />} />,
          <Route key={`${o}-id`} path={`/${o}/:id`} element={<RecordPage key={o} object={o} />} />,
        ])}
        <Route path="/campaigns" element={<ListPage key="campaigns" object="campaigns" />} />
        <Route path="/campaigns/:id" element={<RecordPage key="campaigns" object="campaigns" />} />
        <Route path="/campaigns/:id/call" element={<CallListPage />} />
        <Route path="/pipeline" element={<PipelineBoard />} />
        <Route path="/following" element={<MyFeedPage />} />
        <Route path="/imports" element={<ImportsPage />} />
        <Route path="/admin/*" element={<AdminPage />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
      </Suspense>
    </AppShell>
  );
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <a href="/my-day">Go to My day</a>
      </p>
    </div>
  );
}
