import { useStore } from 'zustand';
import type { SessionInfo } from '../../../shared/contract/dto';
import { useStores } from '../components/context';
import { Icon } from '../components/Icon';
import { viewsFor, type View } from '../views';
import { t } from '../i18n/t';

export function Header({ info, screen }: { info: SessionInfo | null; screen: View | null }) {
  const { ui, session } = useStores();
  const theme = useStore(ui, (s) => s.theme);
  const user = info?.user;
  return (
    <header className="header">
      <div className="brand">
        <strong>{t('app.title')}</strong>
        {info?.stationName && <span className="station-name">{info.stationName}</span>}
      </div>
      {user && screen && (
        <nav className="tabs" aria-label={t('app.views')}>
          {viewsFor(user.role).map((v) => (
            <button key={v} type="button" className={'tab' + (screen === v ? ' tab-active' : '')} aria-current={screen === v ? 'page' : undefined} onClick={() => ui.getState().setScreen(v)}>
              {t(`app.tab.${v}`)}
            </button>
          ))}
        </nav>
      )}
      <div className="header-right">
        <button type="button" className="btn btn-ghost theme-toggle" onClick={() => ui.getState().toggleTheme()} aria-label={theme === 'dark' ? t('app.theme.light') : t('app.theme.dark')}>
          <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
          <span>{theme === 'dark' ? t('app.theme.light') : t('app.theme.dark')}</span>
        </button>
        {user && (
          <>
            <span className="who" title={t('app.signedInAs', { name: user.displayName, role: t(`role.${user.role}`) })}>
              <Icon name="user" size={20} />
              {user.displayName}
              <span className="who-role"> ({t(`role.${user.role}`)})</span>
            </span>
            <button type="button" className="btn" onClick={() => void session.getState().logout()}>
              {t('app.logout')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}
