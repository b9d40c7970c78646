import { lazy, Suspense, useEffect } from 'react';
import { preloadable } from './components/preloadable';
import { useStore } from 'zustand';
import { useStores } from './components/context';
import { connectEvents } from './stores/app';
import { Header } from './screens/Header';
import { LoginScreen } from './screens/login/LoginScreen';
import { OperatorScreen } from './screens/operator/OperatorScreen';
import { Loading } from './components/States';
import { ErrorBox } from './components/ErrorBox';
import { TaskBar } from './components/TaskBar';
import { LineStrip } from './components/LineStrip';
import { useEmergencyKey } from './components/emergency';
import { shownView, viewsFor } from './views';
import { t } from './i18n/t';
import { afterFirstRows } from './screens/operator/first-rows';

// Only the operator screen is in the first bundle: it is what the line waits for. The other
// views load when someone opens them.
const supervision = preloadable(() => import('./screens/supervisor/SupervisorScreen').then((m) => m.SupervisorScreen));
const SupervisorScreen = supervision.View;
const ProductsScreen = lazy(() => import('./screens/products/ProductsScreen').then((m) => ({ default: m.ProductsScreen })));
const RecoveryScreen = lazy(() => import('./screens/recovery/RecoveryScreen').then((m) => ({ default: m.RecoveryScreen })));
const ReportsScreen = lazy(() => import('./screens/reports/ReportsScreen').then((m) => ({ default: m.ReportsScreen })));
const KeysScreen = lazy(() => import('./screens/keys/KeysScreen').then((m) => ({ default: m.KeysScreen })));

export function App() {
  const stores = useStores();
  const info = useStore(stores.session, (s) => s.info);
  const sessionError = useStore(stores.session, (s) => s.error);
  const theme = useStore(stores.ui, (s) => s.theme);
  const screen = useStore(stores.ui, (s) => s.screen);
  const connection = useStore(stores.ui, (s) => s.connection);

  useEffect(() => connectEvents(stores), [stores]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const user = info?.user ?? null;
  // After a crash a supervisor starts on the recovery view: cards were left in the machine.
  useEffect(() => {
    if (user?.role !== 'supervisor') return;
    let live = true;
    stores.api.call('recovery.status', {}).then(
      (r) => {
        if (live && r.recovered.length) stores.ui.getState().setScreen('recovery');
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [user?.username, user?.role, stores]);
  const shown = shownView(user?.role, screen);
  // Supervision is what a supervisor opens next: its code loads once the first screen is painted.
  const readsLog = viewsFor(user?.role).includes('supervisor');
  useEffect(() => {
    if (readsLog) return afterFirstRows(() => void supervision.preload().catch(() => {}));
  }, [readsLog]);
  // Whoever may run the line can stop it from any view (F9), and sees its state there.
  const runsLine = viewsFor(user?.role).includes('operator');
  useEmergencyKey(stores.engine, runsLine);

  return (
    <div className="app">
      <a href="#main" className="skip">
        {t('app.skip')}
      </a>
      {info?.testKeys && (
        <div className="banner banner-test" role="alert">
          <span>{t('app.testKeys')}</span>
        </div>
      )}
      {connection !== 'open' && (
        <div className="banner banner-warn" role="status">
          {t('app.reconnecting')}
        </div>
      )}
      <Header info={info} screen={shown} />
      {runsLine && shown !== 'operator' && <LineStrip />}
      <TaskBar />
      <main id="main" className="main">
        {!info && !sessionError && <Loading label={t('app.loading')} />}
        {!info && sessionError && <ErrorBox error={sessionError} />}
        {info && !user && <LoginScreen />}
        {user && shown === 'operator' && <OperatorScreen />}
        {user && shown && shown !== 'operator' && (
          <Suspense fallback={<Loading />}>
            {shown === 'supervisor' && <SupervisorScreen />}
            {shown === 'products' && <ProductsScreen />}
            {shown === 'keys' && <KeysScreen />}
            {shown === 'reports' && <ReportsScreen />}
            {shown === 'recovery' && <RecoveryScreen />}
          </Suspense>
        )}
      </main>
    </div>
  );
}
