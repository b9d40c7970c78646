import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { BootstrapForm } from './BootstrapForm';
import { t } from '../../i18n/t';

export function LoginScreen() {
  const { session } = useStores();
  const info = useStore(session, (s) => s.info);
  const busy = useStore(session, (s) => s.busy);
  const error = useStore(session, (s) => s.error);
  const expired = useStore(session, (s) => s.expired);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  if (info?.needsBootstrap) return <BootstrapForm />;

  return (
    <section className="card login" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {expired && (
        <p className="notice" role="status">
          {t('login.expired')}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void session
            .getState()
            .login(username.trim(), password)
            .then((ok) => {
              if (ok) setPassword('');
            });
        }}
      >
        <label className="field">
          <span>{t('login.username')}</span>
          <input name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <ErrorBox error={error} onDismiss={() => session.getState().clearError()} />}
        <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
          {busy ? t('login.working') : t('login.submit')}
        </button>
      </form>
    </section>
  );
}
