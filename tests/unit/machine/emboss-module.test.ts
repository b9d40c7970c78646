import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAN, rig, stepContext, waitFor } from './support';
import { createEmbossModule } from '../../../electron/devices/machine/emboss-module';
import type { EmbossJob } from '../../../shared/layout/jobs';
import type { StepContext } from '../../../electron/core/engine/step';

const panLine = (ctx: StepContext): EmbossJob => ({ kind: 'emboss', side: 'front', font: '7B', x: 10.5, y: 21.42, pitch: 3.63, text: ctx.record.pan.replace(/(\d{4})(?=\d)/g, '$1 ') });
const nameLine: EmbossJob = { kind: 'emboss', side: 'front', font: '1B', x: 10.5, y: 6, pitch: 2.54, text: 'JOHN DOE' };
const cvvLine = (ctx: StepContext): EmbossJob => ({ kind: 'indent', side: 'back', font: 'indent', x: 60, y: 30, pitch: 2.54, text: ctx.record.cvv2! });

async function atEmbosser(r: Awaited<ReturnType<typeof rig>>) {
  const h = await r.machine.feed();
  await r.machine.move(h, 'EMBOSS', 0);
  return h;
}

test('strikes every layout line in mils onto the card, then tops the embossed side', async () => {
  const r = await rig();
  await atEmbosser(r);
  const mod = createEmbossModule(r.machine, { jobsFor: (ctx) => [panLine(ctx), nameLine, cvvLine(ctx)] });
  assert.equal(mod.kind, 'emboss');
  assert.equal(mod.slots, 1);
  assert.deepEqual(mod.deviceIds, ['machine']);
  const ctx = stepContext();
  const out = await mod.run(ctx);
  assert.deepEqual(out, { ok: true });
  const marks = r.emulator.cardAt('emboss')!.surface;
  assert.deepEqual(
    marks.map((m) => [m.kind, m.side, m.detail.font, m.detail.xMils, m.detail.yMils, m.detail.pitchMils, m.detail.text]),
    [
      ['emboss', 'front', '7B', 413, 843, 143, '4111 1111 1111 1111'],
      ['emboss', 'front', '1B', 413, 236, 100, 'JOHN DOE'],
      ['indent', 'back', 'INDENT', 2362, 1181, 100, '123'],
      ['topping', 'front', undefined, undefined, undefined, undefined, undefined],
    ],
  );
  assert.deepEqual(ctx.notes.at(-1), { embossLines: 3, embossCharacters: 30, topping: true });
  await r.machine.close();
});

test('card data is only in the EMBOSS command bytes: not in notes, progress, status or errors', async () => {
  const r = await rig();
  await atEmbosser(r);
  r.emulator.ribbonOut();
  const statuses: string[] = [];
  r.machine.onStatus((s) => statuses.push(JSON.stringify(s)));
  const mod = createEmbossModule(r.machine, { jobsFor: (ctx) => [panLine(ctx), cvvLine(ctx)] });
  const ctx = stepContext();
  const out = await mod.run(ctx);
  assert.equal(out.ok, false);
  assert.ok(r.sentText().includes('4111 1111 1111 1111'), 'the PAN went to the machine');
  const visible = JSON.stringify([out, ctx.notes, ctx.progressNotes, statuses, r.machine.status()]);
  for (const secret of [PAN, '4111 1111 1111 1111', '1111 1111', '123']) assert.ok(!visible.includes(secret), `"${secret}" leaked`);
  await r.machine.close();
});

test('indent ribbon out before anything is struck: MACHINE_RIBBON_OUT, retryable', async () => {
  const r = await rig();
  await atEmbosser(r);
  r.emulator.ribbonOut();
  const mod = createEmbossModule(r.machine, { jobsFor: (ctx) => [cvvLine(ctx)] });
  const out = await mod.run(stepContext());
  assert.equal(out.ok, false);
  assert.equal(!out.ok && out.reason, 'MACHINE_RIBBON_OUT');
  assert.equal(!out.ok && out.retryable, true);
  assert.equal(r.machine.status().state, 'error');
  r.emulator.replaceRibbon();
  const again = await mod.run(stepContext());
  assert.deepEqual(again, { ok: true });
  await r.machine.close();
});

test('topping foil out after striking: MACHINE_RIBBON_OUT, not retryable (lines cannot be struck twice)', async () => {
  const r = await rig();
  await atEmbosser(r);
  r.emulator.foilOut();
  const mod = createEmbossModule(r.machine, { jobsFor: () => [nameLine] });
  const ctx = stepContext();
  const out = await mod.run(ctx);
  assert.equal(!out.ok && out.reason, 'MACHINE_RIBBON_OUT');
  assert.equal(!out.ok && out.retryable, false);
  assert.match(r.machine.status().message!, /foil/i);
  assert.deepEqual(ctx.notes.at(-1), { embossLinesStruck: 1, embossLines: 1 });
  await r.machine.close();
});

test('maps jam, cover, offline and timeout to their reasons', async () => {
  const mod = (r: Awaited<ReturnType<typeof rig>>) => createEmbossModule(r.machine, { jobsFor: () => [nameLine] });
  {
    const r = await rig();
    await atEmbosser(r);
    r.emulator.jamNow();
    await new Promise((res) => setTimeout(res, 10));
    const out = await mod(r).run(stepContext());
    assert.equal(!out.ok && out.reason, 'MACHINE_JAM');
    assert.equal(!out.ok && out.retryable, false);
    await r.machine.close();
  }
  {
    // A cover open refuses the strike before anything is struck: the strike waits for the cover
    // to close and goes out then; the card at the embosser is not failed (issue 11, shift model).
    const r = await rig();
    await atEmbosser(r);
    r.emulator.openCover();
    const run = mod(r).run(stepContext());
    await waitFor(() => r.emulator.commandLog.filter((c) => c === 'EMBOSS').length === 1, 2000, 'the strike refused');
    r.emulator.closeCover();
    const out = await run;
    assert.equal(out.ok, true);
    assert.equal(r.emulator.commandLog.filter((c) => c === 'EMBOSS').length, 2);
    await r.machine.close();
  }
  {
    // A strike whose turn comes while the cable is out never went out: it waits for the cable (issue 11 item 1).
    const r = await rig();
    await atEmbosser(r);
    r.emulator.unplug();
    setTimeout(() => r.emulator.plug(), 30);
    const out = await mod(r).run(stepContext());
    assert.equal(out.ok, true);
    await r.machine.close();
  }
  {
    // One on the wire when the cable went may or may not be struck: MACHINE_OFFLINE, not retryable.
    const r = await rig();
    await atEmbosser(r);
    const e = r.emulator as unknown as { execute(c: { cmd: string }): Promise<string> };
    const execute = e.execute.bind(r.emulator);
    e.execute = async (c) => {
      if (c.cmd === 'EMBOSS') {
        r.emulator.unplug();
        setTimeout(() => r.emulator.plug(), 20);
      }
      return execute(c);
    };
    const out = await mod(r).run(stepContext());
    assert.equal(!out.ok && out.reason, 'MACHINE_OFFLINE');
    assert.equal(!out.ok && out.retryable, false);
    await r.machine.close();
  }
  {
    const r = await rig({ timeScale: 1, times: { embossBase: 200, embossPerChar: 0 } }, { timeouts: { emboss: 30, embossPerChar: 0 } });
    await atEmbosser(r);
    const out = await mod(r).run(stepContext());
    assert.equal(!out.ok && out.reason, 'MACHINE_TIMEOUT');
    await r.machine.close();
  }
  {
    const r = await rig();
    // No card at the embosser: the machine refuses the strike.
    const out = await mod(r).run(stepContext());
    assert.equal(!out.ok && out.reason, 'MACHINE_ERROR');
    assert.match(!out.ok ? out.message : '', /EMBOSS failed with NO_CARD/);
    await r.machine.close();
  }
});

test('a line the font cannot strike fails as DATA_INVALID before anything is struck', async () => {
  const r = await rig();
  await atEmbosser(r);
  const mod = createEmbossModule(r.machine, { jobsFor: () => [nameLine, { ...nameLine, font: '7B', text: 'ABC' }] });
  const out = await mod.run(stepContext());
  assert.equal(!out.ok && out.reason, 'DATA_INVALID');
  assert.match(!out.ok ? out.message : '', /line 2.*font 7B/);
  assert.equal(r.emulator.cardAt('emboss')!.surface.length, 0);
  await r.machine.close();
});
