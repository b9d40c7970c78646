import Database from 'better-sqlite3';

// Reads a station's store after a crash campaign and lists every way its cards are not
// accounted for. Pure reading, with plain SQL: it trusts none of the station's own code.
export interface Card {
  id: number; record_index: number; record_id: string; attempt: number; state: string; step: string | null; reason: string | null;
  decided_by: string | null; decision_reason: string | null;
}
export interface Journal { id: number; card_id: number; step: string; attempt: number; phase: 'intent' | 'result'; ok: number | null; reason: string | null; ts: number }
export interface Audit { seq: number; ts: number; type: string; card_id: number | null }

export interface Accounting {
  problems: string[];
  records: number;
  cards: number;
  /** Cards for which a blank card may have been taken (a feed intent is in the journal). */
  physical: number;
  passed: number;
  /** Physical cards that did not pass: rejected, or reworked (spoiled and remade). */
  spoiled: number;
  rejectedRecords: number;
  /** Cards claimed and interrupted before any feed: no blank card was taken for them. */
  claimedOnly: number;
  interrupted: number;
  /** Passed cards with no card.passed log entry (the process died between the store and the log). */
  passedWithoutLog: number;
}

export function checkAccounting(dbPath: string, batchId: string, steps: string[]): Accounting {
  const db = new Database(dbPath, { readonly: true });
  try {
    const recordCount = (db.prepare('SELECT record_count AS n FROM batches WHERE batch_id = ?').get(batchId) as { n: number }).n;
    const cards = db.prepare('SELECT * FROM cards WHERE batch_id = ? ORDER BY id').all(batchId) as Card[];
    const journal = db.prepare('SELECT j.* FROM card_steps j JOIN cards c ON c.id = j.card_id WHERE c.batch_id = ? ORDER BY j.id').all(batchId) as Journal[];
    const audit = db.prepare("SELECT seq, ts, type, card_id FROM audit_log WHERE type IN ('station.start', 'card.passed', 'card.interrupted', 'card.rework', 'card.reject') ORDER BY seq").all() as Audit[];
    return judge(recordCount, cards, journal, audit, steps);
  } finally {
    db.close();
  }
}

export function judge(recordCount: number, cards: Card[], journal: Journal[], audit: Audit[], steps: string[]): Accounting {
  const problems: string[] = [];
  const bad = (m: string) => problems.length < 50 && problems.push(m);
  const jOf = new Map<number, Journal[]>();
  // Clearing the path after a restart (the card goes to the reject bin) is not work on the card:
  // it is checked on its own below.
  for (const j of journal) if (j.step !== 'clear') jOf.set(j.card_id, [...(jOf.get(j.card_id) ?? []), j]);
  const clearedIds = new Set(journal.filter((j) => j.step === 'clear' && j.phase === 'result' && j.ok === 1).map((j) => j.card_id));
  for (const c of cards) {
    const js = jOf.get(c.id) ?? [];
    const fed = js.some((j) => j.step === 'feed' && j.phase === 'result' && j.ok === 1);
    const out = js.some((j) => j.step === 'eject' && j.phase === 'result' && j.ok === 1);
    if (fed && !out && !clearedIds.has(c.id)) bad(`card ${c.id} (${c.record_id}) left the hopper but never reached a bin nor was cleared from the path`);
  }
  const auditOf = (type: string, cardId: number) => audit.filter((a) => a.type === type && a.card_id === cardId);
  const starts = audit.filter((a) => a.type === 'station.start').map((a) => a.ts);

  // 1. Each record: attempts 1..n on n cards; every card but the last reworked by a decision;
  //    the last passed, or rejected by a decision. Nothing is left queued, in progress or failed.
  const byRecord = new Map<number, Card[]>();
  for (const c of cards) byRecord.set(c.record_index, [...(byRecord.get(c.record_index) ?? []), c]);
  if (byRecord.size !== recordCount) bad(`${byRecord.size} records have cards, the batch has ${recordCount}`);
  let rejectedRecords = 0;
  for (const [, list] of byRecord) {
    list.sort((a, b) => a.attempt - b.attempt);
    list.forEach((c, i) => {
      if (c.attempt !== i + 1) bad(`${c.record_id}: card ${c.id} is attempt ${c.attempt}, expected ${i + 1}`);
      const last = i === list.length - 1;
      if (!last && c.state !== 'reworked') bad(`${c.record_id}: card ${c.id} (attempt ${c.attempt}) is ${c.state} yet a later card was made`);
      if (last && c.state !== 'passed' && c.state !== 'rejected') bad(`${c.record_id}: its last card ${c.id} ended ${c.state}${c.reason ? ` (${c.reason})` : ''}`);
      if ((c.state === 'reworked' || c.state === 'rejected') && (!c.decided_by || !c.decision_reason)) bad(`card ${c.id} is ${c.state} without a recorded decision`);
      if ((c.state === 'reworked' || c.state === 'rejected') && auditOf(`card.${c.state === 'reworked' ? 'rework' : 'reject'}`, c.id).length !== 1) bad(`card ${c.id}: the decision is not in the log exactly once`);
    });
    if (list.filter((c) => c.state === 'passed').length > 1) bad(`${list[0].record_id}: ${list.filter((c) => c.state === 'passed').length} passed cards`);
    if (list.at(-1)!.state === 'rejected') rejectedRecords++;

    // 2. A record is personalized again only after a decision on its previous card: every
    //    journal entry of card k+1 comes after the decision on card k, and card k has no entry
    //    after that decision.
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const decision = auditOf('card.rework', prev.id)[0];
      const next = jOf.get(list[i].id) ?? [];
      const prevJ = jOf.get(prev.id) ?? [];
      if (!decision) continue;
      if (next.length && next[0].ts < decision.ts) bad(`${prev.record_id}: card ${list[i].id} was worked on before the decision on card ${prev.id}`);
      if (prevJ.length && prevJ.at(-1)!.ts > decision.ts) bad(`${prev.record_id}: card ${prev.id} was worked on after it was reworked`);
      if (prevJ.length && next.length && prevJ.at(-1)!.id > next[0].id) bad(`${prev.record_id}: the journals of cards ${prev.id} and ${list[i].id} interleave`);
    }
  }

  // 3. Each card: each step done (result ok) at most once; an intent per step attempt at most
  //    once; a passed card did every step of the product and went to the good tray; a card's
  //    whole journal lies within one run of the station (a card found in progress is never resumed).
  let physical = 0;
  let spoiled = 0;
  let claimedOnly = 0;
  let passedWithoutLog = 0;
  for (const c of cards) {
    const js = jOf.get(c.id) ?? [];
    const seen = new Map<string, number>();
    for (const j of js) {
      const k = `${j.step}#${j.attempt}#${j.phase}${j.phase === 'result' && j.ok ? '#ok' : ''}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    for (const [k, n] of seen) if (n > 1) bad(`card ${c.id} (${c.record_id}): ${k} journaled ${n} times`);
    for (const s of ['feed', ...steps, ...steps.map((x) => `move:${x}`), 'eject']) {
      const oks = js.filter((j) => j.step === s && j.phase === 'result' && j.ok === 1).length;
      if (oks > 1) bad(`card ${c.id} (${c.record_id}): ${s} succeeded ${oks} times on the same card`);
      if (c.state === 'passed' && oks !== 1) bad(`card ${c.id} (${c.record_id}) passed with ${oks} successful ${s}`);
    }
    if (c.state === 'passed' && !js.some((j) => j.step === 'eject' && j.phase === 'result' && j.ok === 1 && j.reason === 'good')) bad(`card ${c.id} passed without going to the good tray`);
    if (js.length) {
      const first = js[0].ts;
      const lastTs = js.at(-1)!.ts;
      if (starts.some((t) => t > first && t <= lastTs)) bad(`card ${c.id} (${c.record_id}): its journal spans a restart of the station`);
      const intr = auditOf('card.interrupted', c.id)[0];
      if (intr && lastTs > intr.ts) bad(`card ${c.id} was worked on after it was found interrupted`);
    }
    if (js.some((j) => j.step === 'feed')) {
      physical++;
      if (c.state === 'rejected' || c.state === 'reworked') spoiled++;
    } else if (c.state !== 'queued') {
      claimedOnly++;
      if (c.reason !== 'INTERRUPTED') bad(`card ${c.id} left the queue (${c.state}, ${c.reason}) without a feed in its journal`);
    }
    if (c.state === 'passed' && auditOf('card.passed', c.id).length === 0) passedWithoutLog++;
    if (auditOf('card.passed', c.id).length > 1) bad(`card ${c.id} is logged as passed more than once`);
    if (auditOf('card.passed', c.id).length && c.state !== 'passed') bad(`card ${c.id} is logged as passed but is ${c.state}`);
  }
  const passed = cards.filter((c) => c.state === 'passed').length;
  // 4. The physical count: every card taken from the stock is a passed card or a spoiled one.
  if (physical !== passed + spoiled) bad(`${physical} physical cards but ${passed} passed + ${spoiled} spoiled`);
  if (passed + rejectedRecords !== recordCount) bad(`${passed} passed + ${rejectedRecords} rejected records != ${recordCount} records`);
  const interrupted = cards.filter((c) => c.reason === 'INTERRUPTED').length;
  return { problems, records: recordCount, cards: cards.length, physical, passed, spoiled, rejectedRecords, claimedOnly, interrupted, passedWithoutLog };
}
