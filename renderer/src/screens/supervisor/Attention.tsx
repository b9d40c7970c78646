import { useStore } from 'zustand';
import { useStores } from '../../components/context';
import { Icon } from '../../components/Icon';
import { attentionItems } from './attention';
import { t } from '../../i18n/t';

/** The first thing on Supervision: what needs a supervisor now, or that nothing does. */
export function Attention() {
  const s = useStores();
  const awaitingDecision = useStore(s.decisions, (x) => x.total);
  const devices = useStore(s.devices, (x) => x.list);
  const batches = useStore(s.batches, (x) => x.list);
  const items = attentionItems({ awaitingDecision, devices, batches });
  return (
    <section className={'panel attention' + (items.length ? ' attention-some' : '')} aria-labelledby="attention-title" data-testid="attention">
      <h2 id="attention-title">{t('attention.title')}</h2>
      {!items.length && (
        <p className="notice notice-ok">
          <Icon name="check" size={20} /> {t('attention.none')}
        </p>
      )}
      <ul className="attention-list">
        {items.map((i) => (
          <li key={i.kind + i.text} data-kind={i.kind}>
            <Icon name={i.kind === 'held' ? 'hold' : 'cross'} size={20} /> {i.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
