import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadLocalStackConfig } from '../../src/local/local-stack.config.js';
import { banner, startLocalStack, type LocalStack } from '../../src/local/local-stack.js';
import { dynamoDbEndpoint, freshTableName } from '../support/dynamodb-local.js';
import { launchChromium } from '../support/chromium.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
/** Generous: the machine is shared, and each step waits on the emulator, DynamoDB Local and the browser. */
const STEP_MS = 15_000;

let stack: LocalStack;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  // One browser for the file, started beside the stack. Without Chromium this fails, saying what to install.
  const [started, launched] = await Promise.allSettled([
    startLocalStack(
      loadLocalStackConfig({
        PORT: '0',
        WS_PORT: '0',
        STORAGE: 'dynamodb',
        DYNAMODB_ENDPOINT: dynamoDbEndpoint(),
        TABLE_NAME: freshTableName('console'),
        LOG_LEVEL: 'silent',
      }),
    ),
    launchChromium(),
  ]);
  if (started.status === 'fulfilled') stack = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  for (const result of [launched, started]) if (result.status === 'rejected') throw result.reason;
});

afterEach(() => {
  expect(pageErrors.splice(0), 'errors in the page').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openConsole(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_MS);
  // A script error in the page fails the test that met it (checked when the page closes).
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.once('close', () => pageErrors.push(...errors));
  // The URL the banner prints.
  const url = /Console\s+(http:\/\/\S+)/.exec(banner(stack))?.[1];
  expect(url).toBe(`${stack.notify.url}/console`);
  await page.goto(url as string);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

/** Opens a socket from the page and waits until the console shows it open; returns its list item. */
async function openSocket(page: Page, userId: string, stage = 'dev') {
  await page.fill('#user-id', userId);
  await page.selectOption('#stage', stage);
  const before = await page.locator('#sockets li').count();
  await page.click('#open-socket');
  const item = page.locator('#sockets li').nth(before);
  await expect.poll(() => item.locator('.state').textContent(), { timeout: STEP_MS }).toBe('open');
  return item;
}

const messageRows = (page: Page, text: string) => page.locator('#messages tr.message', { hasText: text });

describe('the live console in headless Chromium (local stack, DynamoDB Local, real sockets)', () => {
  it('should open a socket, send a notify, and show the message with its time and the delivery report', async () => {
    const page = await openConsole();
    try {
      await page.fill('#user-id', 'console-alice');
      await page.click('#mint-token');
      await page.locator('#token-line:not([hidden])').waitFor();
      const token = await page.inputValue('#token');
      expect(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())).toMatchObject({ sub: 'console-alice', groups: ['*'] });

      await openSocket(page, 'console-alice');
      await page.fill('#message', '{"hello":"from the console"}');
      await page.fill('#notify-user', 'console-alice');
      await page.click('#send-notify');

      const row = messageRows(page, '{"hello":"from the console"}');
      await row.waitFor();
      expect(await row.locator('td').nth(1).textContent()).toBe('#1 console-alice @ dev');
      expect(await row.locator('td.seq').textContent()).toBe('');
      expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      await expect.poll(() => page.textContent('#report-status'), { timeout: STEP_MS }).toBe('200');
      const report = JSON.parse((await page.textContent('#report')) ?? '{}') as Record<string, unknown>;
      expect(report).toMatchObject({ userId: 'console-alice', delivered: 1, gone: 0, failed: 0 });
      expect(await page.textContent('#status')).toBe('');

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'console-after-notify.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("should list a user's connections, close one and see it go (the client then reconnects), and disconnect a socket for good", async () => {
    const page = await openConsole();
    try {
      const dev = await openSocket(page, 'console-bob', 'dev');
      const prod = await openSocket(page, 'console-bob', 'prod');
      await page.fill('#list-user', 'console-bob');
      await page.click('#list-connections');
      const rows = page.locator('#connections tr[data-connection-id]');
      await expect.poll(() => rows.count(), { timeout: STEP_MS }).toBe(2);
      const ids = async () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-connection-id')));

      // Closed by the service (DELETE /connections/:id): the connection goes, and the ws-client opens a new one.
      const devRow = rows.filter({ hasText: 'dev' });
      const closedId = (await devRow.getAttribute('data-connection-id')) as string;
      await devRow.locator('button.close-connection').click();
      await expect.poll(() => dev.locator('.state').textContent(), { timeout: STEP_MS }).toBe('open (reconnect)');
      expect(stack.emulator.connections().some((c) => c.connectionId === closedId)).toBe(false);
      await expect
        .poll(async () => {
          await page.click('#list-connections');
          const listed = await ids();
          return listed.length === 2 && !listed.includes(closedId);
        }, { timeout: STEP_MS })
        .toBe(true);

      // Disconnected by the page: closed for good, and gone from the list once its $disconnect has run.
      await prod.locator('button.disconnect').click();
      await expect.poll(() => prod.locator('.state').textContent(), { timeout: STEP_MS }).toMatch(/^closed 1000/);
      await expect
        .poll(async () => {
          await page.click('#list-connections');
          return ids();
        }, { timeout: STEP_MS })
        .toHaveLength(1);
      expect(await rows.first().locator('td').nth(1).textContent()).toBe('dev');
    } finally {
      await page.close();
    }
  });

  it('should deliver a group message to a socket that joined the group, and not to one that did not', async () => {
    const page = await openConsole();
    try {
      const member = await openSocket(page, 'console-carol');
      await openSocket(page, 'console-dave');
      await member.locator('input.join-group').fill('room:console');
      await member.locator('button.join').click();
      // The client resolves the join once the service answers {"type":"joined"}.
      await expect.poll(() => member.locator('.joined').textContent(), { timeout: STEP_MS }).toBe('in room:console');

      await page.fill('#message', 'hello room');
      await page.fill('#group-name', 'room:console');
      await page.click('#send-group');

      const rows = messageRows(page, 'hello room');
      await rows.first().waitFor();
      await expect.poll(() => page.textContent('#report-status'), { timeout: STEP_MS }).toBe('200');
      const report = JSON.parse((await page.textContent('#report')) ?? '{}') as Record<string, unknown>;
      expect(report).toMatchObject({ group: 'room:console', delivered: 1, failed: 0 });
      expect(await rows.count()).toBe(1);
      expect(await rows.first().locator('td').nth(1).textContent()).toBe('#1 console-carol @ dev');
    } finally {
      await page.close();
    }
  });

  it('should broadcast to a stage and show the message on a socket of that stage with the report', async () => {
    const page = await openConsole();
    try {
      await openSocket(page, 'console-erin', 'prod');
      await page.fill('#message', '{"broadcast":"to prod"}');
      await page.selectOption('#broadcast-stage', 'prod');
      await page.click('#send-broadcast');

      await messageRows(page, '{"broadcast":"to prod"}').waitFor();
      await expect.poll(() => page.textContent('#report-status'), { timeout: STEP_MS }).toBe('200');
      const report = JSON.parse((await page.textContent('#report')) ?? '{}') as { delivered: number; stages: string[] };
      expect(report.delivered).toBeGreaterThanOrEqual(1);
      expect(report.stages).toEqual([`${stack.emulator.apiId}/prod`]);
    } finally {
      await page.close();
    }
  });

  it("should show the service's error, saying what is wrong, when a send is refused", async () => {
    const page = await openConsole();
    try {
      await page.fill('#group-name', 'not a group');
      await page.click('#send-group');
      await expect.poll(() => page.textContent('#report-status'), { timeout: STEP_MS }).toBe('400');
      expect(JSON.parse((await page.textContent('#report')) ?? '{}')).toMatchObject({ code: 'VALIDATION_ERROR', field: 'group' });
      expect(await page.textContent('#status')).toMatch(/^400 VALIDATION_ERROR: .*group/);
    } finally {
      await page.close();
      // The browser reports the 400 in the page's console: that one is expected here, and the only one.
      expect(pageErrors.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    }
  });

  it('should show each message of a recovery socket (socketpost.v1) once, unwrapped, with its seq in order', async () => {
    const page = await openConsole();
    try {
      await page.check('#recovery');
      await openSocket(page, 'console-frank');
      await page.fill('#notify-user', 'console-frank');
      for (const n of [1, 2]) {
        await page.fill('#message', `{"n":${n}}`);
        await page.click('#send-notify');
        await messageRows(page, `{"n":${n}}`).waitFor();
      }
      const seqs = await Promise.all([1, 2].map(async (n) => Number(await messageRows(page, `{"n":${n}}`).locator('td.seq').textContent())));
      expect(Number.isSafeInteger(seqs[0]) && (seqs[0] as number) > 0).toBe(true);
      expect(seqs[1]).toBe((seqs[0] as number) + 1);
      expect(await page.locator('#messages tr.message').count()).toBe(2);
      expect(await page.locator('#messages').textContent()).not.toContain('"seq"');
    } finally {
      await page.close();
    }
  });
});
