import { FIELD_REFS, valueSource, type Json, type Side } from './edit';
import { NumberField } from './NumberField';
import { t } from '../../i18n/t';

/** One layout element: position, font or size, and where its text comes from. */
export function ElementForm({ side, index, el, invalid, onPatch, onRemove }: {
  side: Side;
  index: number;
  el: Json;
  invalid: boolean;
  onPatch(patch: Json): void;
  onRemove(): void;
}) {
  const type = String(el.type ?? '');
  const id = `${side}-${index}`;
  const title = t('designer.element', { side: t(`designer.side.${side}`), n: index + 1, type: t(`designer.type.${type}` as 'designer.type.emboss') });
  const src = valueSource(el);
  const text = type !== 'laserGraphic';
  const str = (k: string) => (typeof el[k] === 'string' ? (el[k] as string) : '');
  return (
    <fieldset className={'element' + (invalid ? ' element-invalid' : '')} data-testid={`element-${id}`} aria-invalid={invalid || undefined}>
      <legend>{title}</legend>
      <div className="element-grid">
        <NumberField name={`${id}-x`} label={t('designer.x')} value={el.x} onChange={(x) => onPatch({ x })} />
        <NumberField name={`${id}-y`} label={t('designer.y')} value={el.y} onChange={(y) => onPatch({ y })} />
        {type === 'emboss' && (
          <label className="field">
            <span>{t('designer.font')}</span>
            <select name={`${id}-font`} value={str('font')} onChange={(e) => onPatch({ font: e.target.value })}>
              <option value="7B">7B</option>
              <option value="1B">1B</option>
            </select>
          </label>
        )}
        {type === 'laserText' && <NumberField name={`${id}-size`} label={t('designer.size')} value={el.size} onChange={(size) => onPatch({ size })} />}
        {type === 'laserGraphic' && (
          <>
            <NumberField name={`${id}-width`} label={t('designer.width')} value={el.width} onChange={(width) => onPatch({ width })} />
            <NumberField name={`${id}-height`} label={t('designer.height')} value={el.height} onChange={(height) => onPatch({ height })} />
          </>
        )}
        {text && (
          <>
            <label className="field">
              <span>{t('designer.source')}</span>
              <select
                name={`${id}-source`}
                value={src.kind}
                onChange={(e) => onPatch({ value: e.target.value === 'literal' ? { literal: 'TEXT' } : { field: 'name' } })}
              >
                <option value="field">{t('designer.source.field')}</option>
                <option value="literal">{t('designer.source.literal')}</option>
              </select>
            </label>
            {src.kind === 'field' ? (
              <label className="field">
                <span>{t('designer.field')}</span>
                <input name={`${id}-field`} list="designer-fields" autoComplete="off" value={src.field} onChange={(e) => onPatch({ value: { field: e.target.value } })} />
              </label>
            ) : (
              <label className="field">
                <span>{t('designer.literal')}</span>
                <input name={`${id}-literal`} autoComplete="off" value={src.literal} onChange={(e) => onPatch({ value: { literal: e.target.value } })} />
              </label>
            )}
            <label className="field">
              <span>{t('designer.format')}</span>
              <input name={`${id}-format`} autoComplete="off" placeholder={t('designer.formatHint')} value={str('format')} onChange={(e) => onPatch({ format: e.target.value || undefined })} />
            </label>
            <label className="field">
              <span>{t('designer.prefix')}</span>
              <input name={`${id}-prefix`} autoComplete="off" value={str('prefix')} onChange={(e) => onPatch({ prefix: e.target.value || undefined })} />
            </label>
            <label className="check">
              <input type="checkbox" name={`${id}-upper`} checked={el.upper === true} onChange={(e) => onPatch({ upper: e.target.checked || undefined })} />
              {t('designer.upper')}
            </label>
          </>
        )}
      </div>
      <button type="button" className="btn btn-small" onClick={onRemove} aria-label={`${t('designer.remove')}: ${title}`}>
        {t('designer.remove')}
      </button>
    </fieldset>
  );
}

/** The record fields a text element may bind, offered as suggestions. */
export function FieldSuggestions() {
  return (
    <datalist id="designer-fields">
      {FIELD_REFS.map((f) => (
        <option key={f} value={f} />
      ))}
    </datalist>
  );
}
