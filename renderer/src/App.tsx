import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useStores } from './components/context';
import { connectEvents } from './stores/app';
import { Header } from './screens/Header';
import { LoginScreen } from './screens/login/LoginScreen';
import { OperatorScreen } from './screens/operator/OperatorScreen';
import { SupervisorScreen } from './screens/supervisor/SupervisorScreen';
import { Loading } from './components/States';
import { ErrorBox } from './components/ErrorBox';
import { TaskBar } from './components/TaskBar';
import { t } from './i18n/t';

export function App() {
  const stores = useStores();
  const info = useStore(stores.session, (s) => s.info);
  const sessionError = useStore(stores.session, (s) => s.error);
  const theme = useStore(stores.ui, (s) => s.theme);
  const screen = useStore(stores.ui, (s) => s.screen);
  const connection = useStore(stores.ui, (s) => s.connection);

  useEffect(() => connectEvents(stores), [stores]);
  useEffect(() => {
    void stores.session.getState().load();
  }, [stores]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const user = info?.user ?? null;
  const canSupervise = user?.role === 'supervisor' || user?.role === 'administrator';
  const shown = canSupervise ? screen : 'operator';

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
      <Header info={info} canSupervise={canSupervise} screen={shown} />
      <TaskBar />
      <main id="main" className="main">
        {!info && !sessionError && <Loading label={t('app.loading')} />}
        {!info && sessionError && <ErrorBox error={sessionError} />}
        {info && !user && <LoginScreen />}
        {user && shown === 'operator' && <OperatorScreen />}
        {user && shown === 'supervisor' && <SupervisorScreen />}
      </main>
    </div>
  );
}
