import { CALLS, type CallName } from '../../../shared/contract/channels';
import type { CallEnvelope } from '../../../shared/contract/api';
import type { CallError } from '../../../shared/contract/dto';
import { ValidationError } from '../../../shared/domain/problems';
import { redactProblem, redactText } from '../../../shared/domain/redact';
import { ConflictError, NotFoundError } from '../store/card-store';
import { IllegalTransitionError } from '../../../shared/domain/card-state';
import type { Connection, Handlers } from './types';
import { LIMITS } from '../../../shared/batch/limits';

// Every call from a renderer passes here, whatever carried it (Electron IPC or the bridge):
// the channel must exist, the payload must match its schema, the session must be allowed, and
// whatever goes wrong comes back as a clear, typed refusal — never a crash, never internals.
const MAX_PAYLOAD_CHARS = 210 * 1024 * 1024;

export class CallRefused extends Error {
  constructor(readonly code: CallError['code'], message: string) {
    super(message);
    this.name = 'CallRefused';
  }
}

export async function dispatch(handlers: Handlers, name: unknown, input: unknown, conn: Connection, onInternal?: (e: unknown, name: string) => void): Promise<CallEnvelope<unknown>> {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(CALLS, name)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: typeof name === 'string' ? `unknown call ${JSON.stringify(redactText(name, 60))}` : 'the call name must be a string' } };
  }
  const call = CALLS[name as CallName];
  const parsed = call.input.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: `${name}: the request is not valid`,
        problems: parsed.error.issues.slice(0, 20).map((i) => redactProblem({ record: null, field: i.path.join('.') || '(input)', message: i.message })),
      },
    };
  }
  try {
    const value = await (handlers[name as CallName] as (i: unknown, c: Connection) => unknown)(parsed.data, conn);
    // The output schema strips anything that is not in the contract, so no field can leak by accident.
    return { ok: true, value: call.output.parse(value) };
  } catch (e) {
    return { ok: false, error: toCallError(e, name, onInternal) };
  }
}

export function toCallError(e: unknown, name: string, onInternal?: (e: unknown, name: string) => void): CallError {
  return redactCallError(classify(e, name, onInternal));
}

/** Where every error leaves the core: whatever made it, no card data and nothing overlong goes out. */
export function redactCallError(c: CallError): CallError {
  const out: CallError = { code: c.code, message: redactText(c.message, 500) };
  if (c.problems) out.problems = c.problems.slice(0, LIMITS.problemsListed).map(redactProblem);
  if (c.problemsTotal !== undefined) out.problemsTotal = c.problemsTotal;
  return out;
}

function classify(e: unknown, name: string, onInternal?: (e: unknown, name: string) => void): CallError {
  if (e instanceof ValidationError) return { code: 'VALIDATION', message: e.message.split('\n')[0], problems: e.problems, problemsTotal: e.total };
  if (e instanceof CallRefused) return { code: e.code, message: e.message };
  if (e instanceof NotFoundError) return { code: 'NOT_FOUND', message: e.message };
  if (e instanceof ConflictError || e instanceof IllegalTransitionError) return { code: 'CONFLICT', message: e.message };
  const code = (e as { code?: string })?.code;
  const authCodes: Record<string, CallError['code']> = { FORBIDDEN: 'FORBIDDEN', BAD_CREDENTIALS: 'AUTH', LOCKED_OUT: 'AUTH', DISABLED: 'AUTH', PASSWORD_POLICY: 'VALIDATION', SESSION_EXPIRED: 'AUTH', NO_SESSION: 'AUTH', USER_EXISTS: 'CONFLICT', ALREADY_BOOTSTRAPPED: 'CONFLICT' };
  if (code && authCodes[code]) return { code: authCodes[code], message: String((e as Error).message) };
  onInternal?.(e, name);
  return { code: 'INTERNAL', message: `${name} failed inside the station; the error is in the station log` };
}

export { MAX_PAYLOAD_CHARS };
