import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { StationApi } from '../../../../shared/contract/api';
import { useStores } from '../../components/context';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBox } from '../../components/ErrorBox';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/States';
import { createDesignerStore, type DesignerStore } from '../../stores/designer';
import { validReason } from '../../stores/decisions';
import { formatProblem } from '../../station/errors';
import { svgDataUrl } from '../operator/svg';
import { addElement, addLayout, elementsOf, elementsWithProblems, layoutOf, removeElement, setLayoutProp, updateElement, ELEMENT_TYPES, SIDES, type ElementType, type Side } from './edit';
import { ElementForm, FieldSuggestions } from './ElementForm';
import { t } from '../../i18n/t';

// One designer per connection, kept while the view is closed so unsaved edits survive a look
// at another tab.
const designers = new WeakMap<StationApi, DesignerStore>();
function useDesigner(api: StationApi): DesignerStore {
  let d = designers.get(api);
  if (!d) designers.set(api, (d = createDesignerStore(api)));
  return d;
}

export function ProductsScreen() {
  const { api } = useStores();
  const d = useDesigner(api);
  const s = useStore(d);
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    void d.getState().loadList();
  }, [d]);

  const problems = s.preview?.problems ?? [];
  const marked = elementsWithProblems(problems);
  const changed = s.draft !== s.original && JSON.stringify(s.draft) !== JSON.stringify(s.original);
  const layout = layoutOf(s.draft);

  return (
    <div className="designer" data-testid="designer-screen">
      <section className="panel">
        <div className="panel-head">
          <h1 className="h2">{t('designer.title')}</h1>
          <label className="field inline">
            <span>{t('designer.pick')}</span>
            <select name="product" value={s.id ?? ''} onChange={(e) => void d.getState().open(e.target.value || null)}>
              <option value="">{t('designer.pickNone')}</option>
              {s.products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.id}){p.test ? ` — ${t('keys.test')}` : ''}
                </option>
              ))}
            </select>
          </label>
        </div>
        {!s.loaded && <Loading />}
        {s.error && <ErrorBox error={s.error} onDismiss={() => d.setState({ error: null })} />}
        {s.saved && (
          <p className="notice notice-ok" role="status">
            <Icon name="check" size={20} /> {s.saved}
          </p>
        )}
        {s.draft && (
          <div className="designer-actions">
            {changed && <span className="badge badge-held">{t('designer.unsaved')}</span>}
            <button type="button" className="btn btn-primary btn-large" disabled={!changed || !!s.jsonError || s.saving} onClick={() => setSaving(true)}>
              {t('designer.save')}
            </button>
            <button type="button" className="btn btn-large" disabled={!changed} onClick={() => d.getState().revert()}>
              {t('designer.revert')}
            </button>
          </div>
        )}
      </section>

      {s.draft && (
        <div className="designer-grid">
          <section className="panel designer-edit" aria-label={t('designer.tab.form')}>
            <div className="tabs" role="tablist">
              {(['form', 'json'] as const).map((k) => (
                <button key={k} type="button" role="tab" aria-selected={tab === k} className={'tab' + (tab === k ? ' tab-active' : '')} onClick={() => setTab(k)}>
                  {t(`designer.tab.${k}`)}
                </button>
              ))}
            </div>
            {tab === 'json' ? (
              <label className="field">
                <span>{t('designer.json')}</span>
                <textarea name="product-json" className="mono json-editor" spellCheck={false} rows={28} value={s.json} aria-invalid={!!s.jsonError || undefined} aria-describedby="json-hint" onChange={(e) => d.getState().editJson(e.target.value)} />
                <small id="json-hint">{t('designer.jsonHint')}</small>
                {s.jsonError && (
                  <p className="field-error" role="alert">
                    {s.jsonError}
                  </p>
                )}
              </label>
            ) : !layout ? (
              <div>
                <p>{t('designer.noLayout')}</p>
                <button type="button" className="btn" onClick={() => d.getState().edit(addLayout(s.draft!))}>
                  {t('designer.addLayout')}
                </button>
              </div>
            ) : (
              <>
                <div className="element-grid">
                  <label className="field">
                    <span>{t('designer.zones')}</span>
                    <select name="zones" value={String(layout.zones ?? 'iso')} onChange={(e) => d.getState().edit(setLayoutProp(s.draft!, 'zones', e.target.value))}>
                      <option value="iso">ISO</option>
                      <option value="free">free</option>
                    </select>
                  </label>
                  <label className="check">
                    <input type="checkbox" name="signaturePanel" checked={layout.signaturePanel === true} onChange={(e) => d.getState().edit(setLayoutProp(s.draft!, 'signaturePanel', e.target.checked))} />
                    {t('designer.signaturePanel')}
                  </label>
                </div>
                <FieldSuggestions />
                {SIDES.map((side) => (
                  <SideElements key={side} side={side} d={d} marked={marked} />
                ))}
              </>
            )}
          </section>
          <section className="panel designer-preview" aria-labelledby="designer-preview-title">
            <h2 id="designer-preview-title">{t('designer.preview')}</h2>
            {s.previewError && <ErrorBox error={s.previewError} />}
            {s.preview && !(s.preview.front || s.preview.back) && <p className="notice notice-warn">{t('designer.previewNone')}</p>}
            {s.drawn && (
              <div className={'preview-sides' + (s.preview?.front || s.preview?.back ? '' : ' stale')} data-testid="designer-preview">
                <img src={svgDataUrl(s.drawn.front)} alt={t('designer.side.front')} data-testid="designer-front" />
                <img src={svgDataUrl(s.drawn.back)} alt={t('designer.side.back')} />
                {s.preview && <small className="muted">{t('designer.previewMs')}</small>}
              </div>
            )}
            <div data-testid="designer-problems" aria-live="polite">
              {s.preview && !problems.length && (
                <p className="notice notice-ok">
                  <Icon name="check" size={20} /> {t('designer.noProblems')}
                </p>
              )}
              {problems.length > 0 && (
                <div className="error-box">
                  <div className="error-head">
                    <Icon name="warn" />
                    <strong>{t('designer.problems', { count: problems.length })}</strong>
                  </div>
                  <ul className="problems">
                    {problems.map((p, i) => (
                      <li key={i}>{formatProblem(p)}</li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          </section>
        </div>
      )}
      {saving && s.id && <SaveDialog id={s.id} onCancel={() => setSaving(false)} save={(r) => d.getState().save(r)} onDone={() => setSaving(false)} />}
    </div>
  );
}

function SideElements({ side, d, marked }: { side: Side; d: DesignerStore; marked: Set<string> }) {
  const draft = useStore(d, (x) => x.draft);
  const [kind, setKind] = useState<ElementType>('emboss');
  const els = elementsOf(draft, side);
  return (
    <div className="designer-side">
      <h2>{t(`designer.side.${side}`)}</h2>
      {els.map((el, i) => (
        <ElementForm
          key={i}
          side={side}
          index={i}
          el={el}
          invalid={marked.has(`${side}.${i}`)}
          onPatch={(patch) => d.getState().edit(updateElement(d.getState().draft!, side, i, patch))}
          onRemove={() => d.getState().edit(removeElement(d.getState().draft!, side, i))}
        />
      ))}
      <div className="designer-add">
        <select aria-label={t('designer.type')} value={kind} onChange={(e) => setKind(e.target.value as ElementType)}>
          {ELEMENT_TYPES.map((k) => (
            <option key={k} value={k}>
              {t(`designer.type.${k}`)}
            </option>
          ))}
        </select>
        <button type="button" className="btn" onClick={() => d.getState().edit(addElement(d.getState().draft!, side, kind))}>
          {t('designer.add', { side: t(`designer.side.${side}`) })}
        </button>
      </div>
    </div>
  );
}

function SaveDialog({ id, save, onDone, onCancel }: { id: string; save(reason: string): Promise<boolean>; onDone(): void; onCancel(): void }) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const ok = validReason(reason);
  return (
    <ConfirmDialog
      title={t('designer.save.title', { id })}
      confirmLabel={t('designer.save.ok')}
      busy={busy}
      onCancel={onCancel}
      onConfirm={async () => {
        setTried(true);
        if (!ok) return;
        setBusy(true);
        await save(reason);
        setBusy(false);
        onDone();
      }}
    >
      <p>{t('designer.save.body')}</p>
      <label className="field">
        <span>{t('decide.reason')}</span>
        <textarea name="reason" rows={3} autoFocus aria-required="true" aria-invalid={tried && !ok} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {tried && !ok && (
        <p className="field-error" role="alert">
          {t('decide.reasonShort')}
        </p>
      )}
    </ConfirmDialog>
  );
}
