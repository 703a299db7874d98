import { Writable } from 'node:stream';

/** A pino destination that keeps every line, for tests that read the logs. */
export class LogCapture extends Writable {
  private chunks: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }

  get text(): string {
    return this.chunks.join('');
  }

  /** Every line, parsed. */
  get lines(): Record<string, any>[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);
  }

  clear(): void {
    this.chunks = [];
  }
}
