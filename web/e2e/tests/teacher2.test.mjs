// The playground as a teacher, part 2: the decoded event, explain on hover and focus,
// the C++ view beside the script, and exports (a trace the CLI's `check` reads back).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFindings, launch, openPage, setScript } from './helpers.mjs';

const URL = process.env.PLAYGROUND_URL;
const SHOTS = process.env.SCREENSHOT_DIR || '../../target/screenshots';
assert.ok(URL, 'PLAYGROUND_URL is not set: run `cargo xtask e2e`');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const OPEN = 'profile "Outlook"\nHrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)\n';
// An asynchronous change (S_OK at once, the phases later), a sink told of it, and a
// registration left behind at shutdown: findings to export and check.
const ASYNC = OPEN + 'sink s\n'
  + 'mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 1, pCallback = s}, &tok)\n'
  + 'mgr->SetCurrentState(0, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n'
  + 'run\nshutdown\n';

const apiReady = (page) => page.waitForSelector('body[data-api]');

/** Clicks the first timeline row whose text matches `re` (the list scrolled to it). */
async function selectRow(page, re) {
  const i = await page.evaluate(async ([src, flags]) => {
    const list = document.querySelector('.timeline');
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    for (let top = 0; top <= list.scrollHeight; top += list.clientHeight / 2) {
      list.scrollTop = top;
      list.dispatchEvent(new Event('scroll'));
      await frame();
      for (const row of list.querySelectorAll('.row')) {
        if (new RegExp(src, flags).test(row.textContent)) return row.id;
      }
    }
    return null;
  }, [re.source, re.flags]);
  assert.ok(i, `no timeline row matches ${re}`);
  await page.locator(`#${i}`).click();
  return Number(i.slice(3));
}

test('explain: the search box reads 0x8000000A as E_PENDING', async () => {
  const { page, errors } = await openPage(browser, URL);
  await apiReady(page);
  const box = page.getByRole('searchbox', { name: 'Explain' });
  await box.fill('0x8000000A');
  const answer = page.getByRole('region', { name: 'Explain' }).locator('.answer');
  await page.waitForFunction(() => /E_PENDING/.test(document.querySelector('.explain .answer').textContent));
  assert.match(await answer.textContent(), /E_PENDING/);
  await box.fill('SET-44');
  await page.waitForFunction(() => /SET-4\b/.test(document.querySelector('.explain .answer').textContent));
  assert.match(await answer.locator('.xerr').textContent(), /SET-4/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('explain: focusing or hovering a term opens its popover; Escape closes it', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 800, height: 1000 }]) {
    const { page, errors } = await openPage(browser, URL, viewport);
    await apiReady(page);
    await setScript(page, ASYNC);
    await selectRow(page, /← SetCurrentState = S_OK/);
    const tip = page.getByRole('tooltip');
    // Keyboard: the term in the selected event is focusable and names the popover.
    const term = page.getByRole('region', { name: 'Selected event' }).locator('.term', { hasText: 'S_OK' }).first();
    await term.focus();
    await tip.waitFor();
    assert.equal(await term.getAttribute('aria-describedby'), 'explain-tip');
    assert.match(await tip.textContent(), /S_OK/);
    await page.screenshot({ path: `${SHOTS}/explain-popover-${viewport.width}.png` });
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    // Pointer: a term in a finding.
    const finding = page.getByRole('region', { name: 'Findings' }).locator('.term').first();
    const name = await finding.textContent();
    await finding.hover();
    await tip.waitFor();
    assert.ok((await tip.textContent()).length > name.length, 'the popover explains the term');
    assert.deepEqual(errors, []);
    await page.context().close();
  }
});

test('explain: the caret on a term in the editor explains it', async () => {
  const { page } = await openPage(browser, URL);
  await apiReady(page);
  const src = OPEN + '# 0x8000000A is what an asynchronous SetCurrentState returns\n';
  await setScript(page, src);
  const ta = page.getByRole('textbox', { name: 'Scenario' });
  await ta.focus();
  const at = src.indexOf('0x8000000A') + 3;
  await ta.evaluate((el, at) => el.setSelectionRange(at, at), at);
  await page.keyboard.press('ArrowRight');
  const tip = page.getByRole('tooltip');
  await tip.waitFor();
  assert.match(await tip.textContent(), /E_PENDING/);
  await page.context().close();
});

test('the C++ view follows the selected event and copies', async () => {
  const { page, errors } = await openPage(browser, URL);
  await apiReady(page);
  await setScript(page, ASYNC);
  const cpp = page.getByRole('region', { name: 'C++' });
  // Folded at first (one tab stop); opening it renders the code.
  await page.getByText('C++ client code', { exact: true }).click();
  await cpp.locator('.cpp-code').waitFor();
  assert.match(await cpp.locator('.cpp-code').textContent(), /HRESULT RunClient\(\)/);
  await selectRow(page, /SetCurrentState\(/);
  await cpp.locator('.cpp-sel').waitFor();
  assert.match(await cpp.locator('.cpp-sel').textContent(), /->SetCurrentState\(/);
  const first = Number(await cpp.locator('.cpp-sel').getAttribute('data-line'));
  await selectRow(page, /Advise\(/);
  await page.waitForFunction((l) => Number(document.querySelector('.cpp-sel')?.dataset.line) !== l, first);
  // An Advise's C++ starts with the MAPIOFFLINE_ADVISEINFO it fills.
  assert.match(await cpp.locator('.cpp-sel').textContent(), /adviseInfo|Advise/);
  assert.ok(Number(await cpp.locator('.cpp-sel').getAttribute('data-line')) < first, 'Advise comes first');
  // The selected line is scrolled into view (a jump of more than a screen, once the
  // selection rests).
  await page.waitForFunction(() => {
    const pre = document.querySelector('.cpp-code').getBoundingClientRect();
    const sel = document.querySelector('.cpp-sel').getBoundingClientRect();
    return sel.top >= pre.top && sel.bottom <= pre.bottom;
  }, null, { timeout: 5000 }).catch(() => assert.fail('the selected line is not in view'));
  await cpp.getByRole('button', { name: 'Copy C++' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /#include "mapioffline.h"/);
  assert.deepEqual(errors, []);
  await page.context().close();
});

/** The download a click starts, as text. */
async function downloaded(page, name) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('region', { name: 'Export' }).getByRole('button', { name }).click(),
  ]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('an exported trace gives `mapioffline check` the page\'s findings', async () => {
  const { page, errors } = await openPage(browser, URL);
  await apiReady(page);
  await setScript(page, ASYNC);
  const shown = await page.getByRole('region', { name: 'Findings' }).locator('.finding strong').allTextContents();
  assert.ok(shown.length > 0, 'the script has findings');
  const { name, text } = await downloaded(page, 'Trace JSON');
  assert.equal(name, 'scenario.json');
  const dir = mkdtempSync(join(tmpdir(), 'mapioffline-e2e-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  const findings = checkFindings(file);
  assert.deepEqual(findings.map((f) => `${f.rule} (${f.clause})`), shown);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('exports: Mermaid, Markdown, the script and the C++; a .scn opens into the editor', async () => {
  const { page, errors } = await openPage(browser, URL);
  await apiReady(page);
  await setScript(page, ASYNC);
  const mmd = await downloaded(page, 'Mermaid');
  assert.equal(mmd.name, 'scenario.mmd');
  assert.match(mmd.text, /^sequenceDiagram/m);
  const md = await downloaded(page, 'Markdown');
  assert.match(md.text, /^\|/m);
  const scn = await downloaded(page, 'Script .scn');
  assert.equal(scn.text, ASYNC);
  const cpp = await downloaded(page, 'C++ file');
  assert.match(cpp.text, /SetCurrentState/);
  // Open a script from disk: it replaces the editor's and runs.
  const opened = OPEN + '# opened from disk <b>not html</b>\r\nmgr->Release()\r\n';
  await page.getByLabel('Open .scn…').setInputFiles({ name: 'mine.scn', mimeType: 'text/plain', buffer: Buffer.from(opened) });
  await page.waitForFunction(() => document.querySelector('textarea').value.includes('opened from disk'));
  assert.equal(await page.getByRole('textbox', { name: 'Scenario' }).inputValue(), opened.replaceAll('\r\n', '\n'));
  assert.match(await page.locator('.notice').textContent(), /Opened mine.scn/);
  assert.equal(await page.evaluate(() => document.querySelectorAll('main b').length), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the decoded event shows ulStateNew with its meaning, the delivery and the JSON behind a disclosure', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 800, height: 1000 }]) {
    const { page, errors } = await openPage(browser, URL, viewport);
    await apiReady(page);
    await setScript(page, ASYNC);
    await selectRow(page, /Notify\(.*STATECHANGE[,)]/);
    const view = page.getByRole('region', { name: 'Selected event' });
    await view.locator('dl.fields').waitFor();
    const fields = await view.locator('dl.fields').textContent();
    assert.match(fields, /ulStateNew/);
    assert.match(fields, /MAPIOFFLINE_STATE_OFFLINE/);
    assert.match(await view.locator('.delivery').textContent(), /phase MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE/);
    const json = view.locator('details.json');
    assert.equal(await json.getAttribute('open'), null);
    await json.locator('summary').click();
    // Fetched from the second module when the disclosure opens.
    await page.waitForFunction(() => /"notify"/i.test(document.querySelector('.detail details.json pre').textContent));
    await view.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/event-view-${viewport.width}.png` });
    assert.deepEqual(errors, []);
    await page.context().close();
  }
});
