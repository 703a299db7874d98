import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { DEMO, startTestApp, TestApp } from './support/test-app';

/** Debian's Chromium (apt-get install chromium); .ci/run installs it when it is missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, and quiet: no connection attempts to the outside (the network may be closed). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const ARTIFACTS = join(__dirname, 'artifacts');

jest.setTimeout(120_000);

describe('Swagger UI in a browser (/docs)', () => {
  let t: TestApp;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let spec: any;

  /** The operation block of `method path`. */
  const operation = (method: string, path: string): Locator =>
    page.locator(`.opblock.opblock-${method}`, {
      has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
    });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    spec = (await t.get('/docs-json')).body;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists every endpoint of the OpenAPI document', async () => {
    await expect(page.title()).resolves.toBe('Talkdesk Bridge API');
    const endpoints = Object.entries(spec.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => ({ method, path })),
    );
    expect(endpoints.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining([
        'post /auth/validate',
        'post /contacts/sync',
        'post /agents/sync',
        'post /interactions/retrieve',
        'post /actions/{name}',
        'get /integration/configuration',
        'get /integration/actions',
        'get /health/live',
        'get /health/ready',
        'get /metrics',
      ]),
    );
    for (const { method, path } of endpoints) {
      const count = await operation(method, path).count();
      expect([method, path, count]).toEqual([method, path, 1]);
    }
    await expect(page.locator('.opblock').count()).resolves.toBe(endpoints.length);
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png'), fullPage: true });
  });

  it('"Try it out" on POST /contacts/sync with the example body shows demo contacts', async () => {
    const sync = operation('post', '/contacts/sync');
    await sync.locator('.opblock-summary').click();
    await sync.locator('button.try-out__btn').click();
    // The example carries the demo credentials.
    const body = JSON.parse(await sync.locator('textarea.body-param__text').inputValue());
    expect(body.auth).toEqual(DEMO);
    await sync.locator('button.execute').click();

    const response = sync.locator('.live-responses-table .response');
    await response.first().waitFor({ timeout: 60_000 });
    await expect(response.locator('.response-col_status').first().innerText()).resolves.toMatch(
      /^200\b/,
    );
    await expect(sync.locator('.request-url').innerText()).resolves.toContain(
      `${origin}/contacts/sync`,
    );
    const text = await response.locator('.response-col_description pre').first().innerText();
    const page1 = JSON.parse(text);
    expect(page1.contacts).toHaveLength(t.config.contactsPageSize);
    expect(page1.contacts[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), name: expect.any(String) }),
    );
    expect(typeof page1.next_offset).toBe('string');
    await response.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui-contacts-sync.png') });
  });

  it.each([
    ['post', '/auth/validate', '204'],
    ['post', '/agents/sync', '200'],
    ['post', '/interactions/retrieve', '200'],
    ['get', '/integration/configuration', '200'],
    ['get', '/integration/actions', '200'],
    ['get', '/integration/logo.svg', '200'],
    ['get', '/health/live', '200'],
    ['get', '/health/ready', '200'],
  ])('"Try it out" on %s %s with its example answers %s', async (method, path, expected) => {
    const block = operation(method, path);
    await block.locator('.opblock-summary').click();
    await block.locator('button.try-out__btn').click();
    await block.locator('button.execute').click();
    const status = block.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 60_000 });
    await expect(status.innerText().then((text) => text.trim())).resolves.toBe(expected);
    // Closed again, so that the page stays short for the next test.
    await block.locator('.opblock-summary').click();
  });

  it('"Try it out" on POST /actions/{name} runs each action with its own example pair', async () => {
    const run = operation('post', '/actions/{name}');
    await run.locator('.opblock-summary').click();
    await run.locator('button.try-out__btn').click();
    const pathExamples = run.locator('tr[data-param-name="name"] select.examples-select-element');
    const bodyExamples = run.locator(
      '.opblock-section-request-body select.examples-select-element',
    );
    const examples = spec.paths['/actions/{name}'].post.requestBody.content['application/json']
      .examples as Record<string, { value: unknown }>;
    const names = (await t.get('/integration/actions')).body.map((a: { name: string }) => a.name);
    expect(Object.keys(examples).sort()).toEqual([...names].sort());
    for (const name of names) {
      await pathExamples.selectOption(name);
      await bodyExamples.selectOption(name);
      await expect(run.locator('tr[data-param-name="name"] input').inputValue()).resolves.toBe(
        name,
      );
      const body = JSON.parse(await run.locator('textarea.body-param__text').inputValue());
      expect(body).toEqual(examples[name].value);
      await run.locator('button.execute').click();
      // Wait for this action's answer (the table keeps the previous one until it arrives).
      await run
        .locator('.request-url', { hasText: `${origin}/actions/${name}` })
        .waitFor({ timeout: 60_000 });
      const status = await run
        .locator('.live-responses-table .response .response-col_status')
        .first()
        .innerText();
      expect([name, status.trim()]).toEqual([name, '201']);
      await run.locator('button.btn-clear').click();
    }
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui-actions.png'), fullPage: true });
  });

  it('shows each error status of POST /actions/{name} with an example of its own code', async () => {
    const run = operation('post', '/actions/{name}');
    for (const [status, code] of [
      ['404', 'action_unknown'],
      ['409', 'action_in_flight'],
      ['422', 'idempotency_key_reused'],
    ]) {
      const row = run.locator(`.responses-table tr.response[data-code="${status}"]`);
      await expect(row.locator('.microlight, pre').first().innerText()).resolves.toContain(
        `"code": "${code}"`,
      );
    }
  });

  it('"Try it out" on GET /metrics shows the Prometheus text, the sync just made counted', async () => {
    const metrics = operation('get', '/metrics');
    await metrics.locator('.opblock-summary').click();
    await metrics.locator('button.try-out__btn').click();
    await metrics.locator('button.execute').click();
    const response = metrics.locator('.live-responses-table .response');
    await response.first().waitFor({ timeout: 60_000 });
    await expect(response.locator('.response-col_status').first().innerText()).resolves.toMatch(
      /^200\b/,
    );
    const text = await response.locator('.response-col_description pre').first().innerText();
    expect(text).toMatch(
      /^bridge_http_requests_total\{method="POST",route="\/contacts\/sync",status_code="200"\} 1$/m,
    );
  });
});
