import { StationCallError } from '../../../shared/contract/api';
import type { CallError } from '../../../shared/contract/dto';
import { t, type MessageId } from '../i18n/t';

export interface Problem {
  record: number | null;
  recordId?: string;
  field: string;
  message: string;
}

/** What happened and what to do, for any error a call can raise. */
export interface ShownError {
  title: string;
  message: string;
  action: string;
  problems: Problem[];
}

const ACTION_BY_CODE: Record<CallError['code'], MessageId> = {
  BAD_REQUEST: 'error.action.BAD_REQUEST',
  VALIDATION: 'error.action.VALIDATION',
  FORBIDDEN: 'error.action.FORBIDDEN',
  AUTH: 'error.action.AUTH',
  NOT_FOUND: 'error.action.NOT_FOUND',
  CONFLICT: 'error.action.CONFLICT',
  BUSY: 'error.action.BUSY',
  INTERNAL: 'error.action.INTERNAL',
};

export function describeError(what: string, e: unknown): ShownError {
  if (e instanceof StationCallError) {
    return {
      title: t('error.failed', { what }),
      message: e.error.message,
      action: t(ACTION_BY_CODE[e.error.code] ?? 'error.action.INTERNAL'),
      problems: e.error.problems ?? [],
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { title: t('error.failed', { what }), message, action: t('error.action.INTERNAL'), problems: [] };
}

export function formatProblem(p: Problem): string {
  if (p.record == null) return t('problem.noRecord', { field: p.field, message: p.message });
  if (p.recordId) return t('problem.withId', { record: p.record, id: p.recordId, field: p.field, message: p.message });
  return t('problem.record', { record: p.record, field: p.field, message: p.message });
}
