import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A real OTLP/HTTP trace receiver on 127.0.0.1: it accepts `POST /v1/traces` with a protobuf
 * `ExportTraceServiceRequest` (OTLP specification, "OTLP/HTTP": binary protobuf body,
 * `Content-Type: application/x-protobuf`, answered `200` with an empty
 * `ExportTraceServiceResponse`) and decodes every span it receives from the wire format of
 * opentelemetry-proto's `trace/v1/trace.proto` and `common/v1/common.proto`.
 */

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  /** Of the resource the span came with. */
  resource: Record<string, AttributeValue>;
}

/** One protobuf field: its number, wire type and value (a varint, or the bytes of a length-delimited field). */
interface Field {
  no: number;
  wire: number;
  varint: bigint;
  bytes: Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    const field: Field = { no, wire, varint: 0n, bytes: Buffer.alloc(0) };
    if (wire === 0) field.varint = varint();
    else if (wire === 1) {
      field.bytes = buf.subarray(pos, pos + 8);
      pos += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      field.bytes = buf.subarray(pos, pos + length);
      pos += length;
    } else if (wire === 5) {
      field.bytes = buf.subarray(pos, pos + 4);
      pos += 4;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    yield field;
  }
}

/** common.proto AnyValue: string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7. */
function anyValue(buf: Buffer): AttributeValue {
  for (const f of fields(buf)) {
    if (f.no === 1) return f.bytes.toString('utf8');
    if (f.no === 2) return f.varint !== 0n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.varint));
    if (f.no === 4) return f.bytes.readDoubleLE(0);
    if (f.no === 5) {
      return [...fields(f.bytes)].filter((v) => v.no === 1).map((v) => anyValue(v.bytes));
    }
    if (f.no === 7) return f.bytes.toString('base64');
  }
  return null;
}

/** A repeated KeyValue (key 1, value 2). */
function keyValue(buf: Buffer, into: Record<string, AttributeValue>): void {
  let key = '';
  let value: AttributeValue = null;
  for (const f of fields(buf)) {
    if (f.no === 1) key = f.bytes.toString('utf8');
    if (f.no === 2) value = anyValue(f.bytes);
  }
  into[key] = value;
}

/** trace.proto Span. */
function span(buf: Buffer, resource: Record<string, AttributeValue>): ReceivedSpan {
  const out: ReceivedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    attributes: {},
    statusCode: 0,
    statusMessage: '',
    resource,
  };
  for (const f of fields(buf)) {
    if (f.no === 1) out.traceId = f.bytes.toString('hex');
    else if (f.no === 2) out.spanId = f.bytes.toString('hex');
    else if (f.no === 4) out.parentSpanId = f.bytes.toString('hex');
    else if (f.no === 5) out.name = f.bytes.toString('utf8');
    else if (f.no === 6) out.kind = Number(f.varint);
    else if (f.no === 9) keyValue(f.bytes, out.attributes);
    else if (f.no === 15) {
      for (const s of fields(f.bytes)) {
        if (s.no === 2) out.statusMessage = s.bytes.toString('utf8');
        if (s.no === 3) out.statusCode = Number(s.varint);
      }
    }
  }
  return out;
}

/** ExportTraceServiceRequest: resource_spans 1 → resource 1 (attributes 1), scope_spans 2 → spans 2. */
export function decodeTraceRequest(buf: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of fields(buf)) {
    if (resourceSpans.no !== 1) continue;
    const resource: Record<string, AttributeValue> = {};
    const scopes: Buffer[] = [];
    for (const f of fields(resourceSpans.bytes)) {
      if (f.no === 1) {
        for (const r of fields(f.bytes)) if (r.no === 1) keyValue(r.bytes, resource);
      } else if (f.no === 2) scopes.push(f.bytes);
    }
    for (const scope of scopes) {
      for (const f of fields(scope)) if (f.no === 2) spans.push(span(f.bytes, resource));
    }
  }
  return spans;
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every request body as received (decompressed), to search for secrets byte by byte. */
  readonly bodies: Buffer[] = [];
  readonly contentTypes: string[] = [];
  private server?: Server;
  port = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        this.contentTypes.push(String(req.headers['content-type']));
        this.bodies.push(body);
        this.spans.push(...decodeTraceRequest(body));
        // An empty ExportTraceServiceResponse: everything accepted.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
