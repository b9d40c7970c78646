import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

// The components are compiled for React's automatic JSX runtime by Vite; under tsx (the root
// tsconfig sets no "jsx") they compile to classic React.createElement, which finds React here.
(globalThis as Record<string, unknown>).React = React;

// Imported by a computed path: the root tsconfig (which type-checks tests) has no "jsx" setting,
// so it cannot resolve .tsx modules; renderer/tsconfig.json type-checks the components themselves.
type Component = (props: any) => React.ReactNode;
let ui: { ErrorBox: Component; CardStateBadge: Component; ProgressBar: Component };
const load = async (name: string, exp: string): Promise<Component> => (await import(`../../../renderer/src/components/${name}`))[exp];
before(async () => {
  ui = {
    ErrorBox: await load('ErrorBox', 'ErrorBox'),
    CardStateBadge: await load('StatusBadge', 'CardStateBadge'),
    ProgressBar: await load('ProgressBar', 'ProgressBar'),
  };
});

test('an error lists every problem as "record N (id), field: message" and says what to do', () => {
  const html = renderToStaticMarkup(
    React.createElement(ui.ErrorBox, {
      error: { title: 'Failed: importing b.json', message: 'batch: 2 problems', action: 'Correct the problems listed and try again.', problems: [
        { record: 3, recordId: 'R3', field: 'pan', message: 'fails the Luhn check' },
        { record: null, field: 'productId', message: 'unknown product' },
      ] },
    }),
  );
  assert.match(html, /role="alert"/);
  assert.match(html, /<li>record 3 \(R3\), pan: fails the Luhn check<\/li>/);
  assert.match(html, /<li>productId: unknown product<\/li>/);
  assert.match(html, /Correct the problems listed/);
});

test('a card state is never shown by colour alone: icon and words', () => {
  const html = renderToStaticMarkup(React.createElement(ui.CardStateBadge, { state: 'failed' }));
  assert.match(html, /<svg[^>]*aria-hidden="true"/);
  assert.match(html, />Failed</);
});

test('the progress bar exposes its value to assistive technology', () => {
  assert.match(renderToStaticMarkup(React.createElement(ui.ProgressBar, { done: 25, total: 200, label: 'Import' })), /aria-valuenow="12"/);
  assert.doesNotMatch(renderToStaticMarkup(React.createElement(ui.ProgressBar, { label: 'Import' })), /aria-valuenow/);
});
