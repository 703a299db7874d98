import { MetricsService } from './metrics.service';

/** The value of one sample line `name{labels} value` of the exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MetricsService', () => {
  it('counts HTTP requests by method, route pattern and status, with a latency histogram', async () => {
    const metrics = new MetricsService();
    metrics.observeHttpRequest('POST', '/contacts/sync', 200, 0.02);
    metrics.observeHttpRequest('POST', '/contacts/sync', 200, 0.3);
    metrics.observeHttpRequest('POST', '/actions/:name', 404, 0.001);
    const text = await metrics.scrape();
    const labels = 'method="POST",route="/contacts/sync",status_code="200"';
    expect(sample(text, `bridge_http_requests_total{${labels}}`)).toBe(2);
    expect(sample(text, `bridge_http_request_duration_seconds_count{${labels}}`)).toBe(2);
    expect(sample(text, `bridge_http_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(0.32);
    expect(sample(text, `bridge_http_request_duration_seconds_bucket{le="0.025",${labels}}`)).toBe(
      1,
    );
    expect(
      sample(
        text,
        'bridge_http_requests_total{method="POST",route="/actions/:name",status_code="404"}',
      ),
    ).toBe(1);
  });

  it('records upstream attempts, retries, sync counts, drops, phones and cache lookups', async () => {
    const metrics = new MetricsService();
    const observer = metrics.upstreamObserver();
    observer.attempt('contacts.listContacts', 'error', 0.01);
    observer.retry('contacts.listContacts');
    observer.attempt('contacts.listContacts', 'success', 0.02);
    observer.attempt('contacts.listContacts', 'short_circuited', 0);
    observer.attempt('contacts.listContacts', 'rate_limited', 0.005);
    metrics.contactsSynced(250);
    metrics.contactsSynced(0);
    metrics.agentsSynced(37);
    metrics.recordsDropped('agent', 'no_email', 2);
    metrics.recordsDropped('contact', 'no_id');
    metrics.phonesProcessed(400, 3);
    metrics.cacheLookup('credentials', false);
    metrics.cacheLookup('credentials', true);
    metrics.cacheLookup('credentials', true);
    metrics.watchCircuitBreaker(() => 'open');
    const text = await metrics.scrape();
    const op = 'operation="contacts.listContacts"';
    expect(sample(text, `bridge_upstream_calls_total{${op},outcome="error"}`)).toBe(1);
    expect(sample(text, `bridge_upstream_calls_total{${op},outcome="success"}`)).toBe(1);
    expect(sample(text, `bridge_upstream_calls_total{${op},outcome="short_circuited"}`)).toBe(1);
    expect(sample(text, `bridge_upstream_calls_total{${op},outcome="rate_limited"}`)).toBe(1);
    // A refused call never reached the external system: no latency to record.
    expect(
      sample(text, `bridge_upstream_call_duration_seconds_count{${op},outcome="short_circuited"}`),
    ).toBeUndefined();
    expect(sample(text, `bridge_upstream_retries_total{${op}}`)).toBe(1);
    expect(sample(text, 'bridge_contacts_synced_total')).toBe(250);
    expect(sample(text, 'bridge_agents_synced_total')).toBe(37);
    expect(sample(text, 'bridge_records_dropped_total{kind="agent",reason="no_email"}')).toBe(2);
    expect(sample(text, 'bridge_records_dropped_total{kind="contact",reason="no_id"}')).toBe(1);
    expect(sample(text, 'bridge_contact_phones_total{result="normalized"}')).toBe(400);
    expect(sample(text, 'bridge_contact_phones_total{result="unparsed"}')).toBe(3);
    expect(sample(text, 'bridge_cache_requests_total{cache="credentials",result="hit"}')).toBe(2);
    expect(sample(text, 'bridge_cache_requests_total{cache="credentials",result="miss"}')).toBe(1);
    expect(sample(text, 'bridge_upstream_circuit_breaker_state{state="open"}')).toBe(1);
    expect(sample(text, 'bridge_upstream_circuit_breaker_state{state="closed"}')).toBe(0);
  });

  it('includes the Node.js process metrics', async () => {
    const text = await new MetricsService().scrape();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('records nothing and exposes nothing when disabled', async () => {
    const metrics = MetricsService.disabled();
    metrics.observeHttpRequest('GET', '/health/live', 200, 0.001);
    metrics.contactsSynced(5);
    metrics.cacheLookup('credentials', true);
    metrics.upstreamObserver().attempt('contacts.listContacts', 'success', 0.01);
    expect(metrics.enabled).toBe(false);
    expect((await metrics.scrape()).trim()).toBe('');
  });

  it('keeps instances apart: each app has its own registry', async () => {
    const a = new MetricsService();
    const b = new MetricsService();
    a.contactsSynced(3);
    expect(sample(await a.scrape(), 'bridge_contacts_synced_total')).toBe(3);
    expect(sample(await b.scrape(), 'bridge_contacts_synced_total')).toBe(0);
  });
});
