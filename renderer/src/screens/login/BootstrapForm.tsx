import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { ErrorBox } from '../../components/ErrorBox';
import { t } from '../../i18n/t';

export const MIN_PASSWORD = 12;

export function bootstrapProblem(password: string, repeat: string): string | null {
  if (password.length < MIN_PASSWORD) return t('bootstrap.tooShort');
  if (password !== repeat) return t('bootstrap.mismatch');
  return null;
}

export function BootstrapForm() {
  const { session } = useStores();
  const busy = useStore(session, (s) => s.busy);
  const error = useStore(session, (s) => s.error);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [tried, setTried] = useState(false);
  const problem = bootstrapProblem(password, repeat);

  return (
    <section className="card login" aria-labelledby="bootstrap-title">
      <h1 id="bootstrap-title">{t('bootstrap.title')}</h1>
      <p>{t('bootstrap.intro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (problem) return;
          void session.getState().bootstrap(username.trim(), displayName.trim(), password);
        }}
      >
        <label className="field">
          <span>{t('login.username')}</span>
          <input name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('bootstrap.displayName')}</span>
          <input name="displayName" autoComplete="name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="new-password" required aria-describedby="pw-hint" value={password} onChange={(e) => setPassword(e.target.value)} />
          <small id="pw-hint">{t('bootstrap.passwordHint')}</small>
        </label>
        <label className="field">
          <span>{t('bootstrap.password2')}</span>
          <input name="password2" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        {tried && problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        {error && <ErrorBox error={error} onDismiss={() => session.getState().clearError()} />}
        <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
          {t('bootstrap.submit')}
        </button>
      </form>
    </section>
  );
}
