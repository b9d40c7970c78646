import { createStore } from 'zustand/vanilla';
import type { StationApi } from '../../../shared/contract/api';
import type { CallOutput } from '../../../shared/contract/channels';
import type { ProductSummary } from '../../../shared/contract/dto';
import { describeError, type ShownError } from '../station/errors';
import { parseProductJson, type Json } from '../screens/products/edit';
import { t } from '../i18n/t';

export type DesignerPreview = CallOutput<'products.preview'>;

export interface DesignerState {
  products: ProductSummary[];
  loaded: boolean;
  error: ShownError | null;
  id: string | null;
  original: Json | null;
  draft: Json | null;
  /** The raw editor's text; it only replaces the draft when it parses. */
  json: string;
  jsonError: string | null;
  preview: DesignerPreview | null;
  /** The last drawing that worked: shown (marked stale) while a problem stops the drawing. */
  drawn: { front: string; back: string } | null;
  previewError: ShownError | null;
  saving: boolean;
  saved: string | null;
  loadList(): Promise<void>;
  open(id: string | null): Promise<void>;
  edit(draft: Json): void;
  editJson(text: string): void;
  revert(): void;
  save(reason: string): Promise<boolean>;
}

const pretty = (p: Json | null) => (p ? JSON.stringify(p, null, 2) : '');

export function createDesignerStore(api: StationApi) {
  let generation = 0;
  let inflight = false;
  let dirty = false;
  return createStore<DesignerState>()((set, get) => {
    // No timer: one preview in flight at a time, and the newest draft goes next, so the picture
    // follows typing as fast as the station draws (a few ms) and never queues stale requests.
    const pump = async () => {
      if (inflight) {
        dirty = true;
        return;
      }
      inflight = true;
      try {
        do {
          dirty = false;
          const gen = generation;
          const product = get().draft;
          if (!product) break;
          try {
            const preview = await api.call('products.preview', { product });
            if (gen === generation) set({ preview, previewError: null, ...(preview.front || preview.back ? { drawn: { front: preview.front, back: preview.back } } : {}) });
          } catch (e) {
            if (gen === generation) set({ previewError: describeError(t('designer.previewFailed'), e) });
          }
        } while (dirty);
      } finally {
        inflight = false;
      }
    };

    return {
      products: [],
      loaded: false,
      error: null,
      id: null,
      original: null,
      draft: null,
      json: '',
      jsonError: null,
      preview: null,
      drawn: null,
      previewError: null,
      saving: false,
      saved: null,
      loadList: async () => {
        try {
          set({ products: await api.call('products.list', {}), loaded: true, error: null });
        } catch (e) {
          set({ loaded: true, error: describeError(t('designer.loadFailed'), e) });
        }
      },
      open: async (id) => {
        const gen = ++generation;
        set({ id, original: null, draft: null, json: '', jsonError: null, preview: null, drawn: null, previewError: null, saved: null, error: null });
        if (!id) return;
        try {
          const product = await api.call('products.get', { id });
          if (gen !== generation) return;
          set({ original: product, draft: product, json: pretty(product) });
          void pump();
        } catch (e) {
          if (gen === generation) set({ error: describeError(t('designer.openFailed'), e) });
        }
      },
      edit: (draft) => {
        set({ draft, json: pretty(draft), jsonError: null, saved: null });
        void pump();
      },
      editJson: (text) => {
        const r = parseProductJson(text);
        if ('error' in r) set({ json: text, jsonError: t('designer.jsonError', { message: r.error }) });
        else {
          set({ json: text, jsonError: null, draft: r.product, saved: null });
          void pump();
        }
      },
      revert: () => {
        const o = get().original;
        set({ draft: o, json: pretty(o), jsonError: null });
        void pump();
      },
      save: async (reason) => {
        const draft = get().draft;
        if (!draft) return false;
        set({ saving: true, error: null, saved: null });
        try {
          const r = await api.call('products.save', { product: draft, reason: reason.trim() });
          set({ saving: false, original: draft, saved: t('designer.saved', { id: r.id }) });
          return true;
        } catch (e) {
          set({ saving: false, error: describeError(t('designer.save.failed'), e) });
          return false;
        }
      },
    };
  });
}
export type DesignerStore = ReturnType<typeof createDesignerStore>;
