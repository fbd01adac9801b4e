// Shared by the browser tests and the budget measurements.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** Debian's Chromium headless with the flags that keep it off the network. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A fresh context (no storage) on `url`, ready; collects page errors and console errors. */
export async function openPage(browser, url, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  await page.getByRole('button', { name: 'Run' }).waitFor();
  return { page, errors };
}

/** Replaces the script as a user typing would, and waits for the debounced run. */
export async function setScript(page, text) {
  const before = await page.getByRole('status').getAttribute('data-runs');
  await page.getByRole('textbox', { name: 'Scenario' }).fill(text);
  // `data-runs` counts the runs; a syntax error shows a problem instead of running.
  await page.waitForFunction(
    (b) => document.querySelector('.status').dataset.runs !== b || document.querySelector('.problem'),
    before,
  ).catch(() => {});
  await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
}

export async function waitForStatus(page, re) {
  await page.waitForFunction(
    ([src, flags]) => new RegExp(src, flags).test(document.querySelector('.status').textContent),
    [re.source, re.flags],
  );
}

/** Every timeline row's text, scrolling the virtualised list from top to bottom. */
export async function timelineText(page) {
  return page.evaluate(async () => {
    const list = document.querySelector('.timeline');
    const seen = new Map();
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    for (let top = 0; ; top += list.clientHeight / 2) {
      list.scrollTop = top;
      list.dispatchEvent(new Event('scroll'));
      await frame();
      for (const row of list.querySelectorAll('.row')) seen.set(row.id, row.textContent);
      if (top >= list.scrollHeight) break;
    }
    return [...seen.entries()]
      .sort((a, b) => Number(a[0].slice(3)) - Number(b[0].slice(3)))
      .map((e) => e[1]).join('\n');
  });
}

/** The `mapioffline` command of this checkout (built if there is none yet). */
export function cli() {
  const root = resolve(process.cwd(), '../..');
  const bin = join(root, 'target/debug/mapioffline');
  if (!existsSync(bin)) {
    execFileSync('cargo', ['build', '--quiet', '-p', 'mapioffline-cli'], { cwd: root, stdio: 'inherit' });
  }
  return bin;
}

/** `mapioffline check --json FILE`'s findings for a file of one trace. */
export function checkFindings(file) {
  let out;
  try {
    out = execFileSync(cli(), ['check', '--json', file], { encoding: 'utf8' });
  } catch (e) {
    // Findings make `check` exit non-zero; its JSON is on stdout all the same.
    out = e.stdout;
  }
  const [{ findings }] = JSON.parse(out);
  return findings;
}
