// The spec browser: every clause with its kind, text and both readings, what exercises
// it, one click to load an example; findings and clause terms link to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, openPage, setScript } from './helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const SHOTS = process.env.SCREENSHOT_DIR || '../../target/screenshots';
assert.ok(URL, 'PLAYGROUND_URL is not set: run `cargo xtask e2e`');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const apiReady = (page) => page.waitForSelector('body[data-api]');
const panel = (page) => page.getByRole('region', { name: 'Spec browser' });

async function openSpec(page) {
  await apiReady(page);
  await panel(page).locator('summary').click();
  await page.waitForSelector('.spec .clause');
}

test('spec browser: all 76 clauses, SET-4 with both readings and the lessons that show it', async () => {
  const { page, errors } = await openPage(browser, URL);
  await openSpec(page);
  const spec = panel(page);
  assert.equal(await spec.locator('.clause').count(), 76);
  assert.match(await spec.locator('.spec-count').textContent(), /76 clauses, 76 exercised/);
  // Filtering by a word of the text, then unfolding the doc-defect clause.
  await spec.getByRole('searchbox', { name: 'Filter clauses' }).fill('SET-4');
  const head = spec.getByRole('button', { name: /^SET-4 doc-defect/ });
  await head.click();
  assert.equal(await head.getAttribute('aria-expanded'), 'true');
  const body = spec.locator('#clause-SET-4 .clause-body');
  const text = await body.textContent();
  assert.match(text, /documented \(the default\)/);
  assert.match(text, /literal:/);
  assert.match(text, /Exercised by/);
  await page.screenshot({ path: `${SHOTS}/spec-browser-1280x800.png` });
  // One click loads a lesson that shows it: its script in the editor, its explanation.
  await body.getByRole('button', { name: /^lesson: E_PENDING, literal reading/ }).click();
  await page.waitForFunction(() => /config set4 literal/.test(document.querySelector('textarea').value));
  assert.equal(
    await page.getByRole('button', { name: /E_PENDING, literal reading/, pressed: true }).count(), 1,
    'the lesson list shows the loaded lesson',
  );
  // A conformance scenario loads too (from the second module).
  const scen = body.getByRole('button', { name: /^scenario: / }).first();
  const name = (await scen.textContent()).replace('scenario: ', '');
  await scen.click();
  await page.waitForFunction((n) => document.querySelector('.notice').textContent.includes(n), name);
  assert.ok((await page.locator('textarea').inputValue()).length > 50);
  // A filter that matches nothing says so.
  await spec.getByRole('searchbox', { name: 'Filter clauses' }).fill('no such words anywhere');
  await page.getByText('No clause matches.').waitFor();
  assert.deepEqual(errors, []);
});

test('spec browser: a finding links to its clause', async () => {
  const { page, errors } = await openPage(browser, URL);
  await apiReady(page);
  // A registration left behind at shutdown: R3 on UNADV-2.
  await setScript(page, 'profile "Outlook"\nHrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)\n'
    + 'sink s\nmgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 1, pCallback = s}, &tok)\nmgr->Release()\nshutdown\n');
  const findings = page.getByRole('region', { name: 'Findings' });
  const link = findings.getByRole('button', { name: /in the spec$/ }).first();
  const label = await link.textContent();
  const id = label.replace(' in the spec', '');
  await link.click();
  const head = panel(page).locator(`#clause-${id} button.clause-head`);
  await head.waitFor();
  assert.equal(await head.getAttribute('aria-expanded'), 'true');
  // Focus lands on the clause, for the keyboard.
  await page.waitForFunction((i) => document.activeElement?.closest('.clause')?.id === `clause-${i}`, id);
  assert.deepEqual(errors, []);
});

test('spec browser: a clause term in the explain box links to it', async () => {
  const { page, errors } = await openPage(browser, URL);
  await apiReady(page);
  await page.getByRole('searchbox', { name: 'Explain' }).fill('NTF-8');
  const link = page.getByRole('region', { name: 'Explain' }).getByRole('button', { name: 'NTF-8 in the spec browser' });
  await link.click();
  await page.waitForFunction(() => document.activeElement?.closest('.clause')?.id === 'clause-NTF-8');
  assert.match(await panel(page).locator('#clause-NTF-8').textContent(), /SetCurrentState from inside Notify/);
  assert.deepEqual(errors, []);
});
